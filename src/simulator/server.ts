/**
 * The node:http adapter: turns sockets into SimRequests and SimResults back into bytes, or into a
 * destroyed socket when a fault says so. Keep-alive is on (65 s, longer than common client pools);
 * close() stops listening, ends idle connections and closes the data file.
 */
import { createServer, type ServerResponse } from 'node:http';
import { closeGracefully, listen, readBody, requestHead, type Listening } from '../http/index.js';
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
    readBody(req, MAX_BODY_BYTES, (body) => {
      if (body === undefined) return send(res, errorResponse(413, CODES.requestTooLarge, 'Request entity too large.'), true);
      const request: SimRequest = { ...requestHead(req), body };
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

  let listening: Listening;
  try {
    listening = await listen(server, port, host);
  } catch (error) {
    simulator.close();
    throw error;
  }

  let closed: Promise<void> | undefined;
  return {
    ...listening,
    simulator,
    close() {
      closed ??= (async () => {
        closing = true;
        await closeGracefully(server, CLOSE_GRACE_MS);
        simulator.close();
      })();
      return closed;
    },
  };
}
