/** The daemon's HTTP surface as plain values, so routes are tested in-process without a socket. */

export interface HttpRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The exact body bytes: the webhook signature is checked over them. */
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Handler = (req: HttpRequest) => Promise<HttpResponse>;
