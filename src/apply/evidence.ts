/**
 * Settling in-doubt orders with evidence, never by hope (design §4):
 *  - placed: the resources the intent ordered now exist in the live read APIs (the order id they carry,
 *    or the one unaccounted BSS order, is adopted);
 *  - not placed: the customer's BSS order list since the intent's time holds no order that the journal
 *    and the recorded state cannot account for (of any service type: what a Workspace order is billed
 *    as is not confirmed, and an order whose time cannot be read counts too);
 *  - otherwise it stays in doubt until its resources appear or an operator runs `state resolve`.
 */
import type { Logger } from '../log.js';
import type { OrderIntent, OrderResolution, StateSnapshot } from '../state/types.js';
import type { LiveState } from '../plan/types.js';
import type { CustomerOrder, WorkspaceApi } from '../workspace/types.js';

/**
 * Orders created this long before an intent still count: clocks of this machine and BSS may differ.
 * The API gateway accepts signed requests up to 15 minutes off its clock (APIGW.0303), so a skew that
 * large goes unnoticed; twice that leaves a margin (token auth is not checked at all).
 */
export const CLOCK_SKEW_MS = 30 * 60 * 1000;

interface LiveEvidence {
  exists: boolean;
  /** The order id the live resource carries, when the API shows one. */
  orderId?: string;
  what: string;
}

type Body = OrderIntent['body'];
type Req = Record<string, unknown>;

function request(body: Body): Req {
  const r = body.resources[0] as unknown as Req | undefined;
  return r ?? {};
}

/** Does the cloud show what this intent ordered? */
export function liveEvidence(intent: OrderIntent, live: LiveState): LiveEvidence {
  const r = request(intent.body);
  const desktopsByName = new Map(live.desktops.map((d) => [d.computer_name.toLowerCase(), d]));
  const desktopsById = new Map(live.desktops.map((d) => [d.desktop_id, d]));
  switch (intent.type) {
    case 'createDesktops': {
      const req = r['create_desktops'] as { desktops?: { computer_name?: string }[]; desktop_name?: string } | undefined;
      const names = req?.desktops?.map((d) => d.computer_name).filter((n): n is string => n !== undefined) ?? (req?.desktop_name ? [req.desktop_name] : []);
      const found = names.map((n) => desktopsByName.get(n.toLowerCase())).filter((d) => d !== undefined);
      const orderId = found.find((d) => d.order_id)?.order_id;
      return { exists: found.length > 0, ...(orderId ? { orderId } : {}), what: `${found.length} of ${names.length} desktops exist` };
    }
    case 'addVolumes': {
      const req = r['add_volumes'] as { desktop_id: string } | undefined;
      const d = req ? desktopsById.get(req.desktop_id) : undefined;
      const target = Object.values(intent.targets)[0];
      const want = ((target?.spec['data_volumes'] ?? []) as unknown[]).length;
      const have = d?.data_volumes?.length ?? 0;
      return { exists: d !== undefined && have >= want, what: `desktop has ${have} of ${want} data volumes` };
    }
    case 'rebuildDesktops': {
      const req = r['rebuild_desktops'] as { desktop_ids: string[]; image_id: string } | undefined;
      const rebuilt = (req?.desktop_ids ?? []).filter((id) => desktopsById.get(id)?.metadata?.['metering.image_id'] === req?.image_id);
      return { exists: rebuilt.length > 0, what: `${rebuilt.length} desktops run the new image` };
    }
    case 'createDesktopPool': {
      const req = r['create_desktop_pool'] as { name: string } | undefined;
      const pool = live.pools.find((p) => p.name === req?.name);
      return { exists: pool !== undefined, ...(pool?.order_id ? { orderId: pool.order_id } : {}), what: pool ? `pool ${pool.name} exists` : 'no such pool' };
    }
    case 'expandDesktopPool': {
      const req = r['expand_desktop_pool'] as { pool_id: string } | undefined;
      const pool = live.pools.find((p) => p.id === req?.pool_id);
      const target = Object.values(intent.targets)[0];
      const want = target?.spec['size'] as number | undefined;
      return { exists: pool !== undefined && want !== undefined && pool.desktop_count >= want, what: `pool has ${pool?.desktop_count ?? 0} of ${want ?? '?'} desktops` };
    }
    case 'applyDesktopsInternet': {
      const req = r['apply_desktops_internet'] as { desktop_ids?: string[] } | undefined;
      const ids = new Set(req?.desktop_ids ?? []);
      const eips = live.eips.filter((e) => e.attached_desktop_id !== undefined && ids.has(e.attached_desktop_id));
      const orderId = eips.find((e) => e.order_id)?.order_id;
      return { exists: eips.length > 0, ...(orderId ? { orderId } : {}), what: `${eips.length} of ${ids.size} desktops have an EIP` };
    }
    case 'ApplySubnetBandwidth': {
      const req = r['apply_subnet_bandwidth'] as { bandwidth_name?: string; subnet_id: string } | undefined;
      const b = live.bandwidths.find((x) => (req?.bandwidth_name ? x.bandwidth_name === req.bandwidth_name : x.subnet_id === req?.subnet_id));
      return { exists: b !== undefined, ...(b?.order_id ? { orderId: b.order_id } : {}), what: b ? `bandwidth ${b.bandwidth_name} exists` : 'no such bandwidth' };
    }
    case 'createExclusiveHosts': {
      const req = r['create_exclusive_hosts'] as { name?: string } | undefined;
      if (!req?.name) return { exists: false, what: 'no read API shows a desktop-quantity change' };
      const hosts = live.hosts.filter((h) => h.name === req.name || h.name.startsWith(`${req.name}-`));
      const orderId = hosts.find((h) => h.order_id)?.order_id;
      return { exists: hosts.length > 0, ...(orderId ? { orderId } : {}), what: `${hosts.length} hosts exist` };
    }
    case 'subscribeUserSharer':
      return { exists: false, what: 'no read API shows collaboration subscriptions' };
  }
}

/** Order ids the journal and the recorded state know about. */
function accountedOrderIds(snapshot: StateSnapshot, resolvedOrOutcomeIds: Iterable<string>): Set<string> {
  const ids = new Set(resolvedOrOutcomeIds);
  for (const r of Object.values(snapshot.resources)) for (const id of r.order_ids) ids.add(id);
  return ids;
}

/**
 * Whether an order from the list may belong to an intent made at `intentMs`. The server already filtered
 * on create_time_begin; a time this side cannot read is no reason to ignore an order, so it counts.
 */
function mayBelongTo(o: CustomerOrder, intentMs: number): boolean {
  const created = Date.parse(o.create_time);
  return Number.isNaN(created) || created >= intentMs - CLOCK_SKEW_MS;
}

function bssTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * How long after an intent's last journal entry an empty order list may be read as "not placed". A POST
 * that timed out, or a process that died mid-request, may leave an order the service is still creating;
 * until it shows in the billing system, its absence proves nothing.
 */
export const DEFAULT_SETTLE_MS = 15 * 60 * 1000;

export interface EvidenceInput {
  intents: readonly OrderIntent[];
  /** Time (ms) of each intent's latest journal entry (its intent or an `unknown` outcome); defaults to the intent's time. */
  lastEntryAt?: ReadonlyMap<string, number>;
  /** Wait this long after that entry before concluding "not placed" (default DEFAULT_SETTLE_MS). */
  settleMs?: number;
  snapshot: StateSnapshot;
  /** Order ids already in journal outcomes and resolutions. */
  journalOrderIds: readonly string[];
  live: LiveState;
  api: WorkspaceApi;
  now: Date;
  logger: Logger;
}

/** Resolutions for the in-doubt intents that evidence settles; the rest stay in doubt. */
export async function resolveWithEvidence(input: EvidenceInput): Promise<OrderResolution[]> {
  if (input.intents.length === 0) return [];
  const accounted = accountedOrderIds(input.snapshot, input.journalOrderIds);
  const earliest = Math.min(...input.intents.map((i) => Date.parse(i.at)));
  const since = new Date(earliest - CLOCK_SKEW_MS);
  // Every order in the window, whatever its service type: an addVolumes or EIP order may well be billed
  // as another service than Workspace, and filtering on an unconfirmed code would let it go unseen.
  const orders = await input.api.listCustomerOrders({ create_time_begin: bssTime(since) });
  const at = input.now.toISOString();
  const out: OrderResolution[] = [];
  const unaccountedSince = (intent: OrderIntent) => orders.filter((o) => !accounted.has(o.order_id) && mayBelongTo(o, Date.parse(intent.at)));
  const seen = new Map(input.intents.map((intent) => [intent.id, liveEvidence(intent, input.live)]));
  // The one unaccounted order is adopted by guess only when no other in-doubt intent could own it:
  // "the resources exist" can be true without this intent's order (autoscaling, a console change), and
  // a wrong guess would account for another intent's order and settle that one "not placed".
  const withoutOwnOrderId = input.intents.filter((i) => seen.get(i.id)!.orderId === undefined).length;
  // Orders the live resources name are theirs, whichever intent is judged first.
  for (const evidence of seen.values()) if (evidence.exists && evidence.orderId !== undefined) accounted.add(evidence.orderId);
  // Placed ones first: the orders they adopt are then accounted for when the others are judged, so a
  // run that died with one order sent and one not settles both at once, whatever their journal order.
  for (const intent of input.intents) {
    const evidence = seen.get(intent.id)!;
    if (!evidence.exists) continue;
    const unaccounted = unaccountedSince(intent);
    const orderId = evidence.orderId ?? (unaccounted.length === 1 && withoutOwnOrderId === 1 ? unaccounted[0]!.order_id : undefined);
    out.push({ kind: 'resolution', intent_id: intent.id, placed: true, ...(orderId ? { order_id: orderId } : {}), by: 'evidence', evidence: `the cloud shows the ordered resources (${evidence.what})${orderId ? `; adopted order ${orderId}` : ''}`, at });
    if (orderId) accounted.add(orderId);
  }
  for (const intent of input.intents) {
    const evidence = seen.get(intent.id)!;
    if (evidence.exists) continue;
    const intentSince = Date.parse(intent.at) - CLOCK_SKEW_MS;
    const unaccounted = unaccountedSince(intent);
    const quietFor = input.now.getTime() - (input.lastEntryAt?.get(intent.id) ?? Date.parse(intent.at));
    const settleMs = input.settleMs ?? DEFAULT_SETTLE_MS;
    if (unaccounted.length === 0 && quietFor < settleMs) {
      input.logger.warn('order intent stays in doubt until the billing system has had time to show it', { intent: intent.id, addresses: intent.addresses, wait_ms: settleMs - quietFor });
      continue;
    }
    if (unaccounted.length === 0) {
      out.push({ kind: 'resolution', intent_id: intent.id, placed: false, by: 'evidence', evidence: `no Workspace order in the billing system since ${bssTime(new Date(intentSince))} that the journal cannot account for, and the resources do not exist (${evidence.what})`, at });
      continue;
    }
    input.logger.warn('order intent stays in doubt', { intent: intent.id, addresses: intent.addresses, unaccounted_orders: unaccounted.map((o) => o.order_id) });
  }
  return out;
}
