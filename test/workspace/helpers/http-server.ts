/** A tiny local HTTP server for client tests: records every request (raw query, headers, body, socket). */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseAuthorization, verifySignature, type Query } from '../../../src/workspace/signer.js';

export interface Received {
  method: string;
  /** Raw request target as it arrived on the wire. */
  url: string;
  pathname: string;
  /** The query exactly as received, without the leading `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Same number = same TCP connection. */
  socketId: number;
}

export type Respond = (req: Received, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface TestServer {
  url: string;
  port: number;
  requests: Received[];
  close(): Promise<void>;
}

export async function startServer(respond: Respond, port = 0): Promise<TestServer> {
  const requests: Received[] = [];
  const socketIds = new WeakMap<Socket, number>();
  let nextSocketId = 1;
  const server: Server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const socket = raw.socket;
      if (!socketIds.has(socket)) socketIds.set(socket, nextSocketId++);
      const target = raw.url ?? '/';
      const q = target.indexOf('?');
      const received: Received = {
        method: raw.method ?? '',
        url: target,
        pathname: q === -1 ? target : target.slice(0, q),
        rawQuery: q === -1 ? '' : target.slice(q + 1),
        headers: raw.headers,
        body: Buffer.concat(chunks),
        socketId: socketIds.get(socket)!,
      };
      requests.push(received);
      Promise.resolve(respond(received, res, raw)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A port nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The query as the server parsed it: repeated keys become arrays, as the signer expects. */
export function parsedQuery(rawQuery: string): Query {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const prior = query[key];
    query[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return query;
}

/** What a strict server does: recompute the signature over the received request. */
export function signatureValid(req: Received, secretKey: string): boolean {
  const auth = parseAuthorization(headerValue(req.headers, 'authorization'));
  const date = headerValue(req.headers, 'x-sdk-date');
  if (!auth || date === undefined) return false;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
  return verifySignature(
    { method: req.method, url: `http://${headers['host']}${req.pathname}`, query: parsedQuery(req.rawQuery), headers, body: req.body.length === 0 ? undefined : req.body },
    auth,
    secretKey,
    date,
  );
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A clock that only moves when the client "sleeps": backoff is recorded, never waited for. */
export function fakeTime(start = Date.parse('2024-01-01T00:00:00Z')) {
  let now = start;
  const delays: number[] = [];
  return {
    delays,
    now: () => new Date(now),
    sleep: (ms: number): Promise<void> => {
      delays.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
