/**
 * The one place this module touches the network: a single HTTP exchange over an undici dispatcher,
 * which reports whether the request may have reached the server when it fails.
 *
 * undici calls a dispatch handler's `onRequestStart` synchronously right before it writes the request
 * line to a socket (client-h1 `writeH1`). Any failure before that call (DNS, connection refused,
 * connect timeout, TLS handshake, a closed client) means not one byte of this request was written;
 * any failure after it may have happened after the server read the request. That is the only
 * distinction the order POST relies on, so it is structural, not a guess from error codes.
 */
import { Agent, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpRequest {
  /** `scheme://host[:port]`. */
  origin: string;
  method: 'GET' | 'POST';
  /** Path and query string, exactly as signed. */
  path: string;
  headers: Record<string, string>;
  /** The exact bytes that were hashed for the signature. */
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type TransportFailure = 'network' | 'timeout' | 'aborted';

/** No HTTP answer. `sent` is false only when the request certainly never left this process. */
export class TransportError extends Error {
  readonly failure: TransportFailure;
  readonly sent: boolean;
  /** errno or undici code, for logs and messages (e.g. ECONNREFUSED, UND_ERR_SOCKET). */
  readonly errno: string | undefined;
  /** False for failures another attempt cannot fix (bad arguments, a closed client, a bad certificate). */
  readonly retryable: boolean;

  constructor(failure: TransportFailure, sent: boolean, cause: unknown) {
    const errno = codeOf(cause);
    super(describe(errno, cause), { cause });
    this.name = 'TransportError';
    this.failure = failure;
    this.sent = sent;
    this.errno = errno;
    this.retryable = failure !== 'aborted' && !isPermanent(errno);
  }
}

/** Far above any list page this tool reads; a runaway body fails instead of exhausting memory. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

const PERMANENT_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_NOT_SUPPORTED', 'ERR_TLS_CERT_ALTNAME_INVALID']);

function isPermanent(errno: string | undefined): boolean {
  return errno !== undefined && (PERMANENT_CODES.has(errno) || errno.includes('CERT'));
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function describe(errno: string | undefined, cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return errno === undefined || message.includes(errno) ? message : `${errno}: ${message}`;
}

export interface Dispatchers {
  /** Keep-alive connections for reads: most of a run's calls are list pages to the same host. */
  reads: Dispatcher;
  /**
   * A fresh connection per write (pipelining 0 sends `connection: close`). A reused idle socket that
   * the server is closing fails on write in a way indistinguishable from a server that read the
   * request and died, which would turn a harmless race into an order in doubt. Orders are few, so a
   * handshake each is cheap.
   */
  writes: Dispatcher;
  close(): Promise<void>;
}

/** Per origin: enough for the core's parallel reads, few enough not to look like a flood to the gateway. */
const MAX_READ_CONNECTIONS = 8;

/**
 * `keepAliveTimeout` stays under common server idle timeouts (Node 5 s, many gateways 60 s) so this
 * side usually closes an idle socket before the server does.
 */
export function createDispatchers(timeoutMs: number): Dispatchers {
  const connect = { timeout: timeoutMs };
  const reads = new Agent({ connect, connections: MAX_READ_CONNECTIONS, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 4_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const writes = new Agent({ connect, pipelining: 0, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return {
    reads,
    writes,
    close: async () => {
      await Promise.all([reads.close(), writes.close()]);
    },
  };
}

export interface SendOptions {
  /** Covers the whole exchange: queueing, connect, headers and body. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One HTTP exchange. Resolves with any status; rejects only with a TransportError. */
export function send(dispatcher: Dispatcher, request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;

    const settle = (error: TransportError | undefined, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else if (response) resolve(response);
    };

    // Before undici starts writing, stopping is free: settle now, and refuse the write in onRequestStart.
    // Afterwards, abort the exchange; the request may already be on the wire.
    const stop = (failure: 'timeout' | 'aborted'): void => {
      const what = failure === 'timeout' ? `timed out after ${options.timeoutMs} ms` : 'aborted by the caller';
      const error = new TransportError(failure, controller !== undefined, new Error(what));
      settle(error);
      controller?.abort(error);
    };
    const onAbort = (): void => stop('aborted');
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        if (settled) {
          ctrl.abort(new Error('request settled before it was written'));
          return;
        }
        controller = ctrl;
      },
      onResponseStart(_ctrl, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders;
      },
      onResponseData(ctrl, chunk) {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          ctrl.abort(new Error(`response body larger than ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        settle(undefined, { status, headers, body: Buffer.concat(chunks) });
      },
      onResponseError(_ctrl, error) {
        settle(error instanceof TransportError ? error : new TransportError(failureOf(error), controller !== undefined, error));
      },
    };

    if (options.signal?.aborted) {
      settle(new TransportError('aborted', false, new Error('aborted by the caller')));
      return;
    }
    dispatcher.dispatch(
      { origin: request.origin, path: request.path, method: request.method, headers: request.headers, body: request.body ?? null },
      handler,
    );
  });
}

function failureOf(error: unknown): TransportFailure {
  const code = codeOf(error);
  return code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'timeout' : 'network';
}
