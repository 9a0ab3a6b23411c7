/**
 * The daemon's HTTP endpoints — /healthz, /readyz, /metrics and (only with a webhook secret)
 * POST /hooks/git — as a handler over plain values, and the node:http adapter that feeds it the raw
 * body bytes.
 */
import { createServer } from 'node:http';
import { InvalidArgumentError } from 'commander';
import { closeGracefully, listen as listenOn, readBody, requestHead } from '../http/index.js';
import type { Logger } from '../log.js';
import type { Handler, HttpRequest, HttpResponse } from './http-types.js';
import type { Readiness } from './health.js';
import { METRICS_CONTENT_TYPE } from './metrics.js';
import { handleGitHook, type WebhookDeps } from './webhook.js';

/** GitHub caps webhook payloads at 25 MB; nothing larger is read into memory. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;
const CLOSE_GRACE_MS = 2_000;

export interface HandlerDeps {
  metrics: () => string;
  readiness: () => Promise<Readiness>;
  /** Absent when no webhook secret is configured: the route then does not exist. */
  webhook?: WebhookDeps;
}

const text = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body });

export function createHandler(deps: HandlerDeps): Handler {
  const routes = new Map<string, Record<string, () => Promise<HttpResponse> | HttpResponse>>();
  const read = (fn: () => Promise<HttpResponse> | HttpResponse) => ({ GET: fn, HEAD: fn });
  routes.set('/healthz', read(() => text(200, 'ok\n')));
  routes.set('/metrics', read(() => ({ status: 200, headers: { 'content-type': METRICS_CONTENT_TYPE }, body: deps.metrics() })));
  routes.set(
    '/readyz',
    read(async () => {
      const r = await deps.readiness();
      return { status: r.ready ? 200 : 503, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify(r, null, 2)}\n` };
    }),
  );
  return async (req: HttpRequest) => {
    const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
    if (path === '/hooks/git' && deps.webhook) {
      if (req.method !== 'POST') return text(405, 'method not allowed\n', { allow: 'POST' });
      return handleGitHook(req, deps.webhook);
    }
    const route = routes.get(path);
    if (!route) return text(404, 'not found\n');
    const fn = route[req.method];
    if (!fn) return text(405, 'method not allowed\n', { allow: Object.keys(route).join(', ') });
    return fn();
  };
}

export interface Listen {
  host: string;
  port: number;
}

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces). */
export function parseListen(value: string): Listen {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:9464, 0.0.0.0:9464 or [::1]:9464');
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(handler: Handler, listen: Listen, logger: Logger): Promise<RunningHttpServer> {
  const server = createServer((req, res) => {
    readBody(req, MAX_BODY_BYTES, (body) => {
      const { method, path, headers } = requestHead(req);
      const answer: Promise<HttpResponse> = body === undefined ? Promise.resolve(text(413, 'request body too large\n')) : handler({ method, path, headers, body });
      answer
        .catch((error: unknown): HttpResponse => {
          logger.error('http handler failed', { path, error: error instanceof Error ? error.message : String(error) });
          return text(500, 'internal error\n');
        })
        .then((response) => {
          res.writeHead(response.status, response.headers ?? {});
          res.end(response.body);
        })
        .catch(() => res.destroy());
    });
  });
  server.requestTimeout = 30_000;
  const { url } = await listenOn(server, listen.port, listen.host);
  let closed: Promise<void> | undefined;
  return {
    url,
    close() {
      closed ??= closeGracefully(server, CLOSE_GRACE_MS);
      return closed;
    },
  };
}
