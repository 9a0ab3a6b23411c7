/** Reads everything --refresh compares with the recorded state, in parallel, through the client. */
import type { LiveState } from '../plan/types.js';
import type { CustomerOrder, WorkspaceApi } from './types.js';

export interface LiveReadOptions {
  /** Orders whose BSS status is needed (resources no read API shows, orders that may be cancelled or unpaid). */
  orderIds?: readonly string[];
  /** Concurrent order-status lookups. */
  concurrency?: number;
}

async function statuses(api: WorkspaceApi, ids: readonly string[], concurrency: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const order: CustomerOrder = await api.getCustomerOrder(id);
      out[id] = order.status;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return out;
}

export async function fetchLiveState(api: WorkspaceApi, options: LiveReadOptions = {}): Promise<LiveState> {
  const [desktops, pools, bandwidths, eips, hosts, orderStatus] = await Promise.all([
    api.listDesktops(),
    api.listDesktopPools(),
    api.listSubnetBandwidths(),
    api.listEips(),
    api.listExclusiveHosts(),
    statuses(api, [...new Set(options.orderIds ?? [])].sort(), options.concurrency ?? 4),
  ]);
  return { desktops, pools, bandwidths, eips, hosts, orderStatus };
}
