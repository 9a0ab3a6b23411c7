/**
 * The node:http adapter: turns sockets into SimRequests and SimResults back into bytes, or into a
 * destroyed socket when a fault says so. Keep-alive is on (65 s, longer than common client pools);
 * close() stops listening, ends idle connections and closes the data file.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CODES, errorResponse } from './api-error.js';
import { Simulator } from './simulator.js';
import type { SimRequest, SimResponse, SimulatorOptions } from './types.js';

/** The API gateway refuses bodies above 12 MB (AK/SK signing guide). */
export const MAX_BODY_BYTES = 12 * 1024 * 1024;
const KEEP_ALIVE_MS = 65_000;
/** How long close() waits for requests in flight before cutting them off. */
const CLOSE_GRACE_MS = 5_000;

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** In-process access for tests. */
  simulator: Simulator;
  /** Stops listening, closes keep-alive sockets, flushes persistence. */
  close(): Promise<void>;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function send(res: ServerResponse, response: SimResponse, closing: boolean): void {
  const payload = response.body === undefined ? undefined : Buffer.from(JSON.stringify(response.body), 'utf8');
  const headers: Record<string, string | number> = { ...response.headers };
  if (payload) {
    headers['content-type'] = 'application/json;charset=UTF-8';
    headers['content-length'] = payload.length;
  }
  if (closing) headers['connection'] = 'close';
  res.writeHead(response.status, headers);
  res.end(payload);
}

export async function startSimulator(options: SimulatorOptions & { host?: string; port?: number } = {}): Promise<RunningSimulator> {
  const { host = '127.0.0.1', port = 0, ...simOptions } = options;
  const simulator = new Simulator(simOptions);
  let closing = false;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return send(res, errorResponse(413, CODES.requestTooLarge, 'Request entity too large.'), true);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const request: SimRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: q < 0 ? url : url.slice(0, q),
        rawQuery: q < 0 ? '' : url.slice(q + 1),
        headers: headersOf(req),
        body: Buffer.concat(chunks),
      };
      simulator.handle(request).then(
        (result) => {
          if ('drop' in result) req.socket.destroy();
          else send(res, result, closing);
        },
        (error: unknown) => send(res, errorResponse(500, CODES.internal, `Internal server error: ${error instanceof Error ? error.message : String(error)}`), closing),
      );
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    simulator.close();
    throw error;
  }

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    simulator,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          simulator.close();
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
