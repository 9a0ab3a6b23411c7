/**
 * Exponential backoff with full jitter, bounded per attempt and by a total deadline. The caller
 * passes the retry decision in: reads and writes retry on very different evidence.
 */
import type { LogFields, Logger } from '../log.js';

export interface RetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts once it would end later than this after the first attempt began. */
  deadlineMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 20_000, deadlineMs: 120_000 };

export type RetryDecision =
  | { retry: false }
  /** `minDelayMs`: a floor for this wait (throttling, Retry-After); `fields` say why, for the log. */
  | { retry: true; minDelayMs?: number; fields: LogFields };

export interface RetryDeps {
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  /** Milliseconds on any clock that only moves forward in tests. */
  nowMs: () => number;
  logger: Logger;
}

/** Full jitter: uniform in [0, min(max, base·2^(attempt-1))), raised to the floor, never above max. */
export function backoffDelay(attempt: number, settings: RetrySettings, random: () => number, minDelayMs = 0): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  return Math.min(settings.maxDelayMs, Math.max(minDelayMs, Math.floor(random() * ceiling)));
}

export interface RetryRun {
  operation: string;
  settings: RetrySettings;
  decide: (error: unknown) => RetryDecision;
  signal?: AbortSignal;
}

/** Thrown by `withRetry` with the last attempt's error, so the caller can map it knowing the count. */
export class RetriesExhausted extends Error {
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super('retries exhausted', { cause });
    this.name = 'RetriesExhausted';
    this.attempts = attempts;
  }
}

/**
 * Runs `attempt` until it succeeds, the decision says stop, attempts run out or the deadline would
 * pass. Always rejects with RetriesExhausted wrapping the last error (whose `cause` is that error).
 */
export async function withRetry<T>(run: RetryRun, deps: RetryDeps, attempt: (n: number) => Promise<T>): Promise<T> {
  const started = deps.nowMs();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const decision = run.decide(error);
      if (!decision.retry || n >= run.settings.maxAttempts) throw new RetriesExhausted(n, error);
      const delayMs = backoffDelay(n, run.settings, deps.random, decision.minDelayMs);
      const elapsedMs = deps.nowMs() - started;
      if (elapsedMs + delayMs > run.settings.deadlineMs) {
        deps.logger.warn('retry deadline reached', { operation: run.operation, attempt: n, elapsedMs, deadlineMs: run.settings.deadlineMs, ...decision.fields });
        throw new RetriesExhausted(n, error);
      }
      deps.logger.warn('retrying request', { operation: run.operation, attempt: n, delayMs, ...decision.fields });
      await deps.sleep(delayMs, run.signal);
    }
  }
}

/** Real sleep, cut short (with a rejection) when the signal fires. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
