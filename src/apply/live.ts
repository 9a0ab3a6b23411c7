/**
 * Reading the cloud for a run: the read APIs first, then the BSS status of only those orders whose
 * resources the read APIs do not show yet (unpaid, still provisioning, cancelled, or of a kind no read
 * API lists). Right after a large apply every record is `ordered`; asking BSS about each of hundreds of
 * orders whose desktops the desktop list already shows would cost more than the apply itself.
 */
import { refreshRecords } from '../plan/index.js';
import type { LiveState } from '../plan/types.js';
import type { ResourceRecord } from '../state/types.js';
import { fetchLiveState } from '../workspace/live.js';
import type { WorkspaceApi } from '../workspace/types.js';

/** Concurrent order-status lookups, as fetchLiveState does them. */
const STATUS_CONCURRENCY = 4;

export async function readLive(api: WorkspaceApi, records: Readonly<Record<string, ResourceRecord>>, now: Date): Promise<LiveState> {
  const live = await fetchLiveState(api);
  const seen = refreshRecords(records, live, [], now).records;
  const waiting = new Set<string>();
  for (const record of Object.values(seen)) {
    const last = record.order_ids.at(-1);
    if (record.status === 'ordered' && last !== undefined) waiting.add(last);
  }
  return { ...live, orderStatus: await orderStatuses(api, [...waiting].sort()) };
}

async function orderStatuses(api: WorkspaceApi, ids: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      out[id] = (await api.getCustomerOrder(id)).status;
    }
  };
  await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, ids.length) }, worker));
  return out;
}
