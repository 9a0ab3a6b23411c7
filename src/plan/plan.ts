/**
 * The planner, pure: (desired, recorded, live?, now) → Plan. One change per address, the orders that
 * close the gap, drift when the cloud was read. No I/O, no clock but the one passed in.
 */
import type { DesiredResource, DesiredState } from '../desired/model.js';
import { compareAddresses, parseAddress } from '../desired/kinds.js';
import type { ResourceRecord, StateSnapshot } from '../state/types.js';
import { specHash } from '../state/canonical.js';
import { fieldDiff } from './diff.js';
import { annotationAllowsRebuild, classifyCreate, classifyUpdate, type KindContext, type RebuildDecision } from './kinds.js';
import { buildOrders } from './orders.js';
import type { OrderPart } from './parts.js';
import { refreshRecords } from './refresh.js';
import { PLAN_FORMAT_VERSION, type Change, type Drift, type LiveState, type Plan, type PlanSummary } from './types.js';

export interface PlanInput {
  desired: Pick<DesiredState, 'resources' | 'digest'>;
  recorded: StateSnapshot;
  /** What the read APIs show (--refresh); undefined plans against the recorded state alone. */
  live?: LiveState;
  now: Date;
  /** Limit the plan to these addresses (--target). */
  targets?: readonly string[];
  gitRevision?: string | null;
  policiesDigest?: string | null;
  /** Whether an image change may rebuild a desktop; defaults to the allow-rebuild annotation. */
  allowRebuild?: (resource: DesiredResource) => RebuildDecision;
}

export interface PlanResult {
  plan: Plan;
  /** Recorded resources after refresh (cloud ids learned, ordered → active); equal to the input without live. */
  records: Record<string, ResourceRecord>;
}

function describeWait(record: ResourceRecord): string {
  const order = record.order_ids[record.order_ids.length - 1] ?? 'an earlier order';
  if (record.error?.code === 'ORDER_CANCELLED') return `${record.error.message}; settle it in the billing console`;
  if (record.awaiting_payment) return `order ${order} waits for payment (pay it in the billing console, or set billing.is_auto_pay)`;
  return `order ${order} is placed and not active yet`;
}

/**
 * Why the cloud already shows what an update would order, when the read APIs say so: the record lags the
 * cloud (a mistaken `state resolve --not-placed`, a restored state file, the same change made in the
 * console), and ordering the difference from the record again would bill it twice. The update's
 * counterpart of the "unrecorded" guard on creates.
 */
function alreadyInCloud(operation: Change['operation'], resource: DesiredResource, record: ResourceRecord, drift: Drift | undefined): string | undefined {
  const field = (path: string) => drift?.fields.find((f) => f.path === path);
  const recorded = record.spec ?? {};
  switch (operation) {
    case 'addVolumes': {
      const live = field('data_volumes')?.after;
      const had = ((recorded['data_volumes'] ?? []) as unknown[]).length;
      return Array.isArray(live) && live.length > had ? `the cloud shows ${live.length} data volume(s) on ${resource.address} where the recorded state has ${had}` : undefined;
    }
    case 'expandDesktopPool': {
      const live = field('size')?.after;
      const had = recorded['size'] as number;
      return typeof live === 'number' && live > had ? `the cloud shows ${live} desktops in ${resource.address} where the recorded state has ${had}` : undefined;
    }
    case 'rebuildDesktops': {
      const live = field('image_id')?.after;
      return typeof live === 'string' && live === resource.spec['image_id'] ? `${resource.address} already runs image ${live}` : undefined;
    }
    default:
      return undefined;
  }
}

function changeFor(resource: DesiredResource | undefined, record: ResourceRecord | undefined, address: string, ctx: KindContext, unrecorded: ReadonlyMap<string, string>, drift?: Drift): { change: Omit<Change, 'orders'>; parts: OrderPart[] } {
  const { kind, name } = parseAddress(address)!;
  const base = { address, kind, name, ...(resource ? { file: resource.source.file, line: resource.source.line } : {}) };
  const change = (action: Change['action'], reason: string, diff: Change['diff'] = [], operation: Change['operation'] = null) => ({ change: { ...base, action, operation, reason, diff }, parts: [] });

  // Before anything else, even for a resource that left git: its order may exist and bill.
  if (record?.in_doubt_intent) {
    return change(
      'blocked',
      `in doubt: order intent ${record.in_doubt_intent} may or may not have been placed. apply/reconcile first look for evidence in the cloud and the billing order list; or settle it with "workspace-gitops state resolve ${address} --placed|--not-placed"`,
    );
  }
  if (!resource) {
    if (!record?.spec) return change('no-op', 'not in the desired state and never placed: nothing to do');
    return change('blocked', `${address} is no longer in the desired state, but deleting resources is not supported: it keeps running (and billing) until it is deleted in the console; declare it again to keep managing it`);
  }
  if (!record?.spec) {
    const cloudId = unrecorded.get(address);
    if (cloudId) {
      return change('blocked', `${address} already exists in the cloud (${cloudId}) but is not in the recorded state; ordering it again would create a duplicate. Remove it in the console or restore the state file`);
    }
    const c = classifyCreate(resource, ctx);
    const prior = record?.status === 'failed' && record.error ? `the previous order failed (${record.error.code}: ${record.error.message}); ordering again. ` : '';
    if (c.action === 'blocked' || c.action === 'no-op') return change(c.action, `${prior}${c.reason}`);
    return { change: { ...base, action: c.action, operation: c.operation, reason: `${prior}${c.reason}`, diff: [] }, parts: c.parts };
  }
  const same = record.spec_hash === undefined ? false : record.spec_hash === specHashOf(resource);
  if (record.status === 'ordered') {
    // A cancelled change never happened, although the record holds its spec: never "no-op" (design §3).
    if (record.error?.code === 'ORDER_CANCELLED') {
      return change('blocked', `${record.error.message}, so what it ordered was never placed; the recorded state still holds it. Pay or re-create the order in the billing console, or correct the recorded state, before this resource can be planned again`, same ? [] : fieldDiff(record.spec, resource.spec));
    }
    if (same) return change('no-op', `${describeWait(record)}; nothing more to order`);
    return change('blocked', `waiting: ${describeWait(record)}; this change is planned once it is active`, fieldDiff(record.spec, resource.spec));
  }
  if (same) return change('no-op', 'up to date');
  const diff = fieldDiff(record.spec, resource.spec);
  const c = classifyUpdate(resource, record, ctx);
  if (c.action === 'blocked' || c.action === 'no-op') return change(c.action, c.reason, diff);
  const stale = alreadyInCloud(c.operation, resource, record, drift);
  if (stale) {
    return change('blocked', `${stale}: the recorded state is behind the cloud, so ${c.operation} may have been ordered already; ordering it again could bill it twice. Check the billing console, then bring the recorded state or git in line`, diff);
  }
  return { change: { ...base, action: c.action, operation: c.operation, reason: c.reason, diff }, parts: c.parts };
}

const hashCache = new WeakMap<DesiredResource, string>();
/** Hash of a desired spec, computed once per resource object. */
function specHashOf(r: DesiredResource): string {
  let h = hashCache.get(r);
  if (h === undefined) {
    h = specHash(r.spec);
    hashCache.set(r, h);
  }
  return h;
}

function summarize(changes: readonly Change[], orders: Plan['orders'], drift: readonly Drift[]): PlanSummary {
  const count = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  const desktops = orders.filter((o) => o.type === 'createDesktops').reduce((n, o) => n + o.addresses.length, 0);
  return { create: count('create'), update: count('update'), no_op: count('no-op'), blocked: count('blocked'), orders: orders.length, drift: drift.length, desktops_ordered: desktops };
}

export function planWithState(input: PlanInput): PlanResult {
  const refreshed = input.live ? refreshRecords(input.recorded.resources, input.live, input.desired.resources, input.now) : undefined;
  const records = refreshed?.records ?? input.recorded.resources;
  const eipDesktopIds = input.live ? new Set(input.live.eips.flatMap((e) => (e.attached_desktop_id ? [e.attached_desktop_id] : []))) : undefined;
  const ctx: KindContext = { records, allowRebuild: input.allowRebuild ?? annotationAllowsRebuild, ...(eipDesktopIds ? { eipDesktopIds } : {}) };
  const desired = new Map(input.desired.resources.map((r) => [r.address, r]));
  const targets = input.targets && input.targets.length > 0 ? new Set(input.targets) : undefined;
  const addresses = [...new Set([...desired.keys(), ...Object.keys(records)])].filter((a) => !targets || targets.has(a)).sort(compareAddresses);

  const changedInCloud = new Map((refreshed?.drift ?? []).filter((d) => d.kind === 'changed').map((d) => [d.address, d]));
  const drafts = addresses.map((a) => changeFor(desired.get(a), records[a], a, ctx, refreshed?.unrecorded ?? new Map(), changedInCloud.get(a)));
  const orders = buildOrders(
    drafts.flatMap((d) => d.parts),
    { lineage: input.recorded.lineage, serial: input.recorded.serial },
  );
  const ordersByAddress = new Map<string, string[]>();
  for (const o of orders) for (const a of o.addresses) ordersByAddress.set(a, [...(ordersByAddress.get(a) ?? []), o.id]);
  const changes: Change[] = drafts.map((d) => ({ ...d.change, orders: ordersByAddress.get(d.change.address) ?? [] }));
  const drift = (refreshed?.drift ?? []).filter((d) => !targets || targets.has(d.address));

  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    created_at: input.now.toISOString(),
    bound_to: {
      desired_digest: input.desired.digest,
      git_revision: input.gitRevision ?? null,
      policies_digest: input.policiesDigest ?? null,
      state_lineage: input.recorded.lineage,
      state_serial: input.recorded.serial,
    },
    targets: targets ? [...targets].sort(compareAddresses) : [],
    refreshed: input.live !== undefined,
    changes,
    orders,
    drift,
    policy: { evaluated: 0, violations: [], denied: false, warnings: [] },
    summary: summarize(changes, orders, drift),
  };
  return { plan, records };
}

export function plan(input: PlanInput): Plan {
  return planWithState(input).plan;
}
