/** Reads of the live cloud that --refresh compares with the recorded state, in parallel, through the client. */
import type { LiveState } from '../plan/types.js';
import type { WorkspaceApi } from './types.js';

/** Every list the refresh matches against; `orderStatus` is left empty (see fetchOrderStatuses). */
export async function fetchLiveState(api: WorkspaceApi): Promise<LiveState> {
  const [desktops, pools, bandwidths, eips, hosts] = await Promise.all([
    api.listDesktops(),
    api.listDesktopPools(),
    api.listSubnetBandwidths(),
    api.listEips(),
    api.listExclusiveHosts(),
  ]);
  return { desktops, pools, bandwidths, eips, hosts, orderStatus: {} };
}

/** BSS status of each order, `concurrency` lookups at a time. */
export async function fetchOrderStatuses(api: WorkspaceApi, ids: readonly string[], concurrency = 4): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const queue = [...new Set(ids)].sort();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const id = queue[next++]!;
      out[id] = (await api.getCustomerOrder(id)).status;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return out;
}
