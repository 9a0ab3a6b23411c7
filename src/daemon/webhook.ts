/**
 * POST /hooks/git: GitHub push webhooks. The X-Hub-Signature-256 HMAC is checked over the raw body
 * bytes exactly as received (any re-serialization would change them) and compared in constant time;
 * only then is the body parsed. A push to the branch the daemon follows triggers a run; anything else
 * is acknowledged with a note and ignored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log.js';
import type { HttpRequest, HttpResponse } from './http-types.js';
import type { TriggerDecision } from './runner.js';

export const SIGNATURE_HEADER = 'x-hub-signature-256';
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

export function signBody(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function checkSignature(secret: string, body: Buffer, header: string | undefined): SignatureCheck {
  if (header === undefined || header === '') return 'missing';
  const match = SIGNATURE.exec(header.trim());
  if (!match) return 'malformed';
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(match[1]!, 'hex');
  // Both are 32 bytes here, which timingSafeEqual requires; the comparison time does not depend on where they differ.
  return timingSafeEqual(expected, given) ? 'valid' : 'mismatch';
}

export interface WebhookDeps {
  secret: string;
  /** The branch the daemon follows; pushes to others are ignored. Undefined: every push triggers (local source). */
  branch: string | undefined;
  trigger: () => TriggerDecision;
  logger: Logger;
}

function json(status: number, body: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify(body)}\n` };
}

/** GitHub sends JSON, or with the form content type a `payload` field holding the JSON. */
function parsePayload(req: HttpRequest): Record<string, unknown> | undefined {
  let text = req.body.toString('utf8');
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    text = new URLSearchParams(text).get('payload') ?? '';
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function handleGitHook(req: HttpRequest, deps: WebhookDeps): HttpResponse {
  const delivery = req.headers['x-github-delivery'];
  const check = checkSignature(deps.secret, req.body, req.headers[SIGNATURE_HEADER]);
  if (check !== 'valid') {
    deps.logger.warn('webhook signature rejected', { reason: check, delivery });
    return json(401, { error: 'invalid or missing X-Hub-Signature-256' });
  }
  const event = req.headers['x-github-event'] ?? 'push';
  if (event === 'ping') return json(200, { ok: true, event });
  if (event !== 'push') return json(202, { triggered: false, note: `${event} events are ignored; only push events trigger a run` });
  const payload = parsePayload(req);
  if (!payload) return json(400, { error: 'the body is not a JSON push payload' });
  const ref = typeof payload['ref'] === 'string' ? payload['ref'] : undefined;
  const after = typeof payload['after'] === 'string' ? payload['after'] : undefined;
  if (deps.branch !== undefined && ref !== `refs/heads/${deps.branch}`) {
    deps.logger.info('webhook push ignored', { ref, delivery });
    return json(202, { triggered: false, note: `push to ${ref ?? '(no ref)'} ignored: the daemon follows refs/heads/${deps.branch}` });
  }
  if (payload['deleted'] === true) return json(202, { triggered: false, note: `${ref ?? 'the branch'} was deleted; nothing to reconcile` });
  const decision = deps.trigger();
  deps.logger.info('webhook push accepted', { ref, after, delivery, decision });
  return json(202, { triggered: decision !== 'stopped', run: decision, ...(after ? { after } : {}) });
}
