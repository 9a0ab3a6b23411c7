/**
 * One API call end to end: build and sign each attempt, send it, retry what the call's kind allows,
 * and turn the last failure into the error a user sees. The retry rules live here, side by side:
 *
 * - read:    retried on throttling, 500/502/503/504 and any network failure or timeout.
 * - order:   retried only when the request certainly never reached the service: a failure before
 *            undici began writing it, or the API gateway's own throttling answer (429 APIGW.0308).
 *            Anything else after sending (5xx, timeout, reset, an unusable 2xx) is OutcomeUnknownError.
 * - payment: retried on the same evidence as an order; a failure afterwards is an ApiError or a
 *            NetworkError, because paying an order twice is refused by BSS (the order is no longer
 *            pending payment), so the caller may check the order status and pay again.
 */
import type { Logger } from '../log.js';
import type { Auth } from './credentials.js';
import { ApiError, NetworkError, OutcomeUnknownError, abortedError, apiErrorFromBody, isGatewayThrottle, isRetryableStatus, isThrottle, type Redact } from './errors.js';
import { TransportError, send, type Dispatchers, type HttpResponse } from './http.js';
import { buildRequest, type Endpoint, type Service, type WireCall } from './request.js';
import { RetriesExhausted, withRetry, type RetryDecision, type RetrySettings } from './retry.js';

export type CallKind = 'read' | 'order' | 'payment';

export interface Call extends WireCall {
  kind: CallKind;
  /** Human name used in messages and logs, e.g. `place order`. */
  operation: string;
  signal?: AbortSignal;
}

export interface ExchangeContext {
  endpoints: Record<Service, Endpoint>;
  dispatchers: Dispatchers;
  auth: Auth | undefined;
  projectId: string;
  domainId: string | undefined;
  userAgent: string;
  timeoutMs: number;
  retry: RetrySettings;
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  logger: Logger;
  redact: Redact;
}

/** The gateway asks clients to wait 2-5 s after APIGW.0308 (reference §3). */
const THROTTLE_MIN_DELAY_MS = 2_000;

/** Resolves with a 2xx response; rejects with ApiError, NetworkError, OutcomeUnknownError or ABORTED. */
export async function exchange(call: Call, ctx: ExchangeContext): Promise<HttpResponse> {
  const dispatcher = call.kind === 'read' ? ctx.dispatchers.reads : ctx.dispatchers.writes;
  const run = {
    operation: call.operation,
    settings: ctx.retry,
    decide: call.kind === 'read' ? decideRead : decideWrite,
    ...(call.signal === undefined ? {} : { signal: call.signal }),
  };
  const deps = { sleep: ctx.sleep, random: ctx.random, nowMs: () => ctx.now().getTime(), logger: ctx.logger };
  try {
    return await withRetry(run, deps, async (attempt) => {
      const request = buildRequest(call, {
        endpoint: ctx.endpoints[call.service],
        auth: ctx.auth,
        projectId: ctx.projectId,
        domainId: ctx.domainId,
        userAgent: ctx.userAgent,
        now: ctx.now(),
      });
      const started = performance.now();
      const response = await send(dispatcher, request, { timeoutMs: ctx.timeoutMs, ...(call.signal === undefined ? {} : { signal: call.signal }) });
      ctx.logger.debug('response received', { operation: call.operation, attempt, status: response.status, durationMs: Math.round(performance.now() - started) });
      if (response.status >= 200 && response.status < 300) return response;
      throw apiErrorFromBody(call.operation, response.status, response.body, ctx.redact, retryAfterMs(response.headers['retry-after']));
    });
  } catch (error) {
    throw finalError(call, error, ctx.redact);
  }
}

function decideRead(error: unknown): RetryDecision {
  if (error instanceof TransportError) {
    return error.retryable ? { retry: true, fields: { failure: error.failure, errno: error.errno } } : { retry: false };
  }
  if (error instanceof ApiError && (isThrottle(error) || isRetryableStatus(error.status))) {
    const floor = Math.max(isThrottle(error) ? THROTTLE_MIN_DELAY_MS : 0, error.retryAfterMs ?? 0);
    return { retry: true, minDelayMs: floor, fields: { status: error.status, errorCode: error.errorCode } };
  }
  return { retry: false };
}

function decideWrite(error: unknown): RetryDecision {
  if (error instanceof TransportError) {
    // Only `sent === false` proves the service never saw it; see http.ts for how that is known.
    return !error.sent && error.retryable ? { retry: true, fields: { failure: error.failure, errno: error.errno, sent: false } } : { retry: false };
  }
  if (error instanceof ApiError && isGatewayThrottle(error)) {
    return { retry: true, minDelayMs: Math.max(THROTTLE_MIN_DELAY_MS, error.retryAfterMs ?? 0), fields: { status: error.status, errorCode: error.errorCode } };
  }
  return { retry: false };
}

function finalError(call: Call, error: unknown, redact: Redact): unknown {
  if (!(error instanceof RetriesExhausted)) {
    // Only the backoff sleep throws outside an attempt: the caller's signal fired while waiting, and
    // a write only waits after an attempt that certainly did not reach the server.
    return call.signal?.aborted ? abortedError(call.operation) : error;
  }
  const last: unknown = error.cause;
  const { operation } = call;
  if (last instanceof ApiError) {
    // Only a 4xx is a definite refusal; a 3xx or 5xx came from something that may have acted on it.
    const definite = last.status >= 400 && last.status < 500 && (last.status !== 429 || isGatewayThrottle(last));
    const unknownOrder = call.kind === 'order' && !definite;
    return unknownOrder ? new OutcomeUnknownError(operation, summary(last), last, redact) : last;
  }
  if (last instanceof TransportError) {
    if (last.failure === 'aborted' && !last.sent) return abortedError(operation);
    if (last.sent && call.kind === 'order') return new OutcomeUnknownError(operation, last.message, last, redact);
    return new NetworkError(operation, last.message, { sent: last.sent, attempts: error.attempts, cause: last }, redact);
  }
  return last;
}

function summary(error: ApiError): string {
  return `HTTP ${error.status}${error.errorCode === '' ? '' : ` ${error.errorCode}`}: ${error.errorMsg}`;
}

/** Retry-After in seconds (an HTTP date is rare from these gateways and is ignored). */
function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim()) * 1000;
}
