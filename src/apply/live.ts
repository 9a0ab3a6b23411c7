/**
 * Reading the cloud for a run: the read APIs first, then the BSS status of only those orders whose
 * resources the read APIs do not show yet (unpaid, still provisioning, cancelled, or of a kind no read
 * API lists). Right after a large apply every record is `ordered`; asking BSS about each of hundreds of
 * orders whose desktops the desktop list already shows would cost more than the apply itself.
 */
import { refreshRecords } from '../plan/index.js';
import type { LiveState } from '../plan/types.js';
import type { ResourceRecord } from '../state/types.js';
import { fetchLiveState, fetchOrderStatuses } from '../workspace/live.js';
import type { WorkspaceApi } from '../workspace/types.js';

export async function readLive(api: WorkspaceApi, records: Readonly<Record<string, ResourceRecord>>, now: Date): Promise<LiveState> {
  const live = await fetchLiveState(api);
  const seen = refreshRecords(records, live, [], now).records;
  const waiting: string[] = [];
  for (const record of Object.values(seen)) {
    const last = record.order_ids.at(-1);
    if (record.status === 'ordered' && last !== undefined) waiting.push(last);
  }
  return { ...live, orderStatus: await fetchOrderStatuses(api, waiting) };
}
