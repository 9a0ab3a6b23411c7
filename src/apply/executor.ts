/**
 * Places orders through the journal protocol — durable intent, POST, durable outcome — with independent
 * orders in flight in parallel, dependencies respected, and the parallelism halved when the API
 * throttles. After a stop signal no new order starts; those in flight are journaled to their outcome.
 */
import type { Logger } from '../log.js';
import type { PlannedOrder } from '../plan/types.js';
import type { ApiErrorRecord, Journal, LockHandle } from '../state/types.js';
import { ApiError, NetworkError, OutcomeUnknownError, isThrottle } from '../workspace/errors.js';
import type { OrderResponse } from '../workspace/order-schema.js';
import type { WorkspaceApi } from '../workspace/types.js';
import { WsgoError } from '../errors.js';
import { failpoint } from '../failpoints.js';
import { redactSecrets } from '../redact.js';

export type OrderResultStatus = 'placed' | 'failed' | 'in-doubt' | 'not-started';

export interface OrderResult {
  order: PlannedOrder;
  status: OrderResultStatus;
  orderId?: string;
  error?: ApiErrorRecord;
  /** Why an order was not started (a stop signal, a failed dependency). */
  note?: string;
}

export interface ExecuteOptions {
  api: WorkspaceApi;
  journal: Journal;
  lock: LockHandle;
  parallelism: number;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  signal: AbortSignal;
  logger: Logger;
  /** Attempts for an order the gateway keeps throttling (each after the client's own retries). */
  throttleAttempts?: number;
  /** Called after each order settles (for progress output). */
  onResult?: (result: OrderResult) => void;
}

function errorRecord(error: unknown): ApiErrorRecord {
  if (error instanceof ApiError) return { status: error.status, code: error.errorCode, message: error.errorMsg };
  if (error instanceof WsgoError) return { code: error.code, message: error.message };
  // Not from the client (whose errors are redacted when built): this message goes to the journal and the logs.
  return { code: 'ERROR', message: redactSecrets(error instanceof Error ? error.message : String(error)) };
}

/**
 * Whether a failed POST certainly placed nothing: an HTTP error answer (the client already turns every
 * answer that is not a definite refusal into OutcomeUnknownError), a network failure before the request
 * was written, or a stop before it was sent. Anything else (an unexpected error) leaves the order in
 * doubt: treating it as refused could order the same resources twice.
 */
function definitelyNotPlaced(error: unknown): boolean {
  if (error instanceof OutcomeUnknownError) return false;
  if (error instanceof ApiError) return true;
  if (error instanceof NetworkError) return !error.sent;
  return error instanceof WsgoError && error.code === 'ABORTED';
}

/** Additive increase, multiplicative decrease: halve on throttling, creep back after successes. */
class Concurrency {
  limit: number;
  private streak = 0;
  constructor(private readonly max: number) {
    this.limit = max;
  }
  throttled(): void {
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.streak = 0;
  }
  succeeded(): void {
    if (++this.streak >= 5 && this.limit < this.max) {
      this.limit++;
      this.streak = 0;
    }
  }
}

export async function executeOrders(orders: readonly PlannedOrder[], options: ExecuteOptions): Promise<OrderResult[]> {
  const results = new Map<string, OrderResult>();
  const pending = [...orders];
  const running = new Set<Promise<void>>();
  const concurrency = new Concurrency(Math.max(1, options.parallelism));
  const maxThrottle = options.throttleAttempts ?? 5;
  let fatal: { error: unknown } | undefined;

  const finish = (result: OrderResult) => {
    results.set(result.order.id, result);
    options.onResult?.(result);
  };

  const place = async (order: PlannedOrder): Promise<void> => {
    const log = options.logger.child({ order: order.id, type: order.type });
    await options.journal.recordIntent({ kind: 'intent', id: order.id, type: order.type, addresses: order.addresses, body: order.body, targets: order.targets, at: options.now().toISOString() }, options.lock);
    for (let attempt = 1; ; attempt++) {
      let response: OrderResponse;
      try {
        failpoint('before-post');
        response = await options.api.placeOrder(order.body);
      } catch (error) {
        // Only the POST's own failure is judged here. A journal write that fails below propagates as
        // fatal: it must never be mistaken for a refused order and journaled as "failed".
        if (!definitelyNotPlaced(error)) {
          const record = errorRecord(error);
          await options.journal.recordOutcome({ kind: 'outcome', intent_id: order.id, result: 'unknown', error: record, at: options.now().toISOString() }, options.lock);
          log.warn('order outcome unknown; it stays in doubt', { error: record.message });
          return finish({ order, status: 'in-doubt', error: record });
        }
        // The gateway refused it: nothing was placed, so the same intent may be sent again, more slowly.
        if (isThrottle(error) && attempt < maxThrottle && !options.signal.aborted) {
          concurrency.throttled();
          const delay = Math.min(60_000, 2_000 * 2 ** (attempt - 1));
          log.warn('order throttled; retrying', { attempt, delay_ms: delay, parallelism: concurrency.limit });
          await options.sleep(delay);
          // A stop signal during the wait: no new POST (the last one was refused, so nothing is in doubt).
          if (!options.signal.aborted) continue;
        }
        // A 4xx (or a failure before anything was sent): the order was not placed.
        const record = errorRecord(error);
        await options.journal.recordOutcome({ kind: 'outcome', intent_id: order.id, result: 'failed', error: record, at: options.now().toISOString() }, options.lock);
        log.warn('order failed', { code: record.code, error: record.message });
        return finish({ order, status: 'failed', error: record });
      }
      failpoint('after-post');
      await options.journal.recordOutcome({ kind: 'outcome', intent_id: order.id, result: 'placed', order_id: response.order_id, ...(response.job_id ? { job_id: response.job_id } : {}), at: options.now().toISOString() }, options.lock);
      failpoint('after-outcome');
      concurrency.succeeded();
      log.info('order placed', { order_id: response.order_id, addresses: order.addresses.length });
      return finish({ order, status: 'placed', orderId: response.order_id });
    }
  };

  const blockedBy = (order: PlannedOrder): string | undefined => order.depends_on.find((id) => results.has(id) && results.get(id)!.status !== 'placed');
  const ready = (order: PlannedOrder): boolean => order.depends_on.every((id) => results.get(id)?.status === 'placed');

  while (pending.length > 0 || running.size > 0) {
    if (options.signal.aborted || fatal) break;
    let started = false;
    for (let i = 0; i < pending.length && running.size < concurrency.limit; ) {
      const order = pending[i]!;
      const failedDep = blockedBy(order);
      if (failedDep) {
        pending.splice(i, 1);
        finish({ order, status: 'not-started', note: `depends on ${failedDep}, which was not placed` });
        continue;
      }
      if (!ready(order)) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      // A journal write that fails is fatal: stop starting orders, let the others finish, then rethrow.
      const task: Promise<void> = place(order)
        .catch((error: unknown) => {
          fatal ??= { error };
        })
        .finally(() => running.delete(task));
      running.add(task);
      started = true;
    }
    if (running.size === 0 && !started) break; // only orders whose dependencies never ran remain
    if (running.size > 0) await Promise.race(running);
  }
  // Stop requested: let what is in flight reach its outcome in the journal.
  await Promise.all(running);
  if (fatal) throw fatal.error;
  for (const order of pending) {
    if (!results.has(order.id)) finish({ order, status: 'not-started', note: options.signal.aborted ? 'stopped by a signal before it started' : 'its dependencies were not placed' });
  }
  return orders.map((o) => results.get(o.id)!);
}
