/**
 * --wait: after orders are placed, poll the BSS order status and the read APIs until their resources
 * are active or a deadline passes. Unpaid orders are reported as waiting for payment.
 */
import type { Logger } from '../log.js';
import { refreshRecords } from '../plan/index.js';
import type { WorkspaceApi } from '../workspace/types.js';
import { ORDER_STATUS } from '../workspace/types.js';
import type { Ledger } from './ledger.js';
import { readLive } from './live.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
}

export interface WaitReport {
  active: string[];
  /** Addresses still not active, with why (e.g. order … waits for payment). */
  waiting: { address: string; reason: string }[];
  timedOut: boolean;
}

interface Deps {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  signal: AbortSignal;
  logger: Logger;
}

export async function waitForActive(ledger: Ledger, api: WorkspaceApi, addresses: readonly string[], options: WaitOptions, deps: Deps): Promise<WaitReport> {
  const deadline = deps.now().getTime() + options.timeoutMs;
  for (;;) {
    const records = ledger.current.resources;
    const live = await readLive(api, records, deps.now());
    const refreshed = refreshRecords(records, live, [], deps.now());
    await ledger.writeRecords(refreshed.records);
    const pending = addresses.filter((a) => refreshed.records[a]?.status === 'ordered');
    const active = addresses.filter((a) => !pending.includes(a));
    const expired = deps.now().getTime() >= deadline;
    if (pending.length === 0 || expired || deps.signal.aborted) {
      const waiting = pending.map((address) => {
        const orderId = refreshed.records[address]?.order_ids.at(-1);
        const status = orderId === undefined ? undefined : live.orderStatus[orderId];
        const reason = status === ORDER_STATUS.pendingPayment ? `order ${orderId} waits for payment` : `order ${orderId ?? '?'} is not active yet (BSS status ${status ?? 'unknown'})`;
        return { address, reason };
      });
      return { active, waiting, timedOut: pending.length > 0 && expired };
    }
    deps.logger.info('waiting for ordered resources to become active', { pending: pending.length, active: active.length });
    await deps.sleep(Math.min(options.intervalMs, Math.max(0, deadline - deps.now().getTime())));
  }
}
