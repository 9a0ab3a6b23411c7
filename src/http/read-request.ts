/** A node:http request as plain values: its method, path, query string and headers, and its body up to a limit. */
import type { IncomingMessage } from 'node:http';

export interface RequestHead {
  /** Upper case. */
  method: string;
  /** Without the query string. */
  path: string;
  /** After the `?`, undecoded; empty without one. */
  rawQuery: string;
  /** Names in lower case; a repeated header's values joined by ", ". */
  headers: Record<string, string>;
}

export function requestHead(req: IncomingMessage): RequestHead {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { method: (req.method ?? 'GET').toUpperCase(), path: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? '' : url.slice(q + 1), headers };
}

/**
 * Reads the body to its end and hands it to `done`, or undefined when it is larger than `maxBytes`: a
 * larger body is still read (so the refusal goes out on a healthy connection) but never held in memory.
 */
export function readBody(req: IncomingMessage, maxBytes: number, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  });
  req.on('end', () => done(size > maxBytes ? undefined : Buffer.concat(chunks)));
}
