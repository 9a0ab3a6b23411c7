/**
 * What each kind's create and change turn into: order parts the API can place, or the reason it cannot.
 * A change is ordered only when every changed field is expressible; otherwise the whole change is
 * blocked, so an order never records a spec that differs from what the cloud got.
 */
import type { DesiredResource } from '../desired/model.js';
import type { NormalizedBilling } from '../desired/normalize.js';
import { canonicalJson, specHash } from '../state/canonical.js';
import type { Json, JsonObject, ResourceRecord } from '../state/types.js';
import { POOL_CREATE_MAX_SIZE, POOL_EXPAND_MAX_SIZE, type OrderType } from '../workspace/order-schema.js';
import type { OrderPart } from './parts.js';

export const ALLOW_REBUILD_ANNOTATION = 'workspace-gitops/allow-rebuild';

export interface RebuildDecision {
  allowed: boolean;
  /** Who allowed it: the annotation or a policy, for the plan's reason. */
  by?: string;
}

export interface KindContext {
  records: Readonly<Record<string, ResourceRecord>>;
  allowRebuild(resource: DesiredResource): RebuildDecision;
  /** Desktop ids the read APIs show with an EIP bound (--refresh); undefined when the cloud was not read. */
  eipDesktopIds?: ReadonlySet<string>;
}

export type Classified =
  | { action: 'create' | 'update'; operation: OrderType; reason: string; parts: OrderPart[] }
  | { action: 'blocked'; reason: string }
  | { action: 'no-op'; reason: string };

const blocked = (reason: string): Classified => ({ action: 'blocked', reason });
/** The list holds the same members in another order: a set to the API, so there is nothing to order. */
const reordered = (list: string): Classified => ({ action: 'no-op', reason: `only the order of ${list} changed; it is a set to the API, so there is nothing to order` });

function without(spec: JsonObject, ...fields: string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(spec)) if (!fields.includes(k)) out[k] = v;
  return out;
}

function part(r: DesiredResource, type: OrderType, requestField: OrderPart['requestField'], shared: JsonObject, targetSpec: JsonObject, options: { item?: Json; subscription: boolean }): OrderPart {
  return {
    type,
    address: r.address,
    requestField,
    shared,
    ...(options.item === undefined ? {} : { item: options.item }),
    ...(options.subscription ? { billing: r.spec['billing'] as unknown as NormalizedBilling } : {}),
    autoPay: r.autoPay,
    enterpriseProjectId: r.spec['enterprise_project_id'] as string,
    target: { kind: r.kind, name: r.name, spec: targetSpec, spec_hash: specHash(targetSpec) },
  };
}

/** Top-level fields whose values differ. */
export function changedFields(before: JsonObject, after: JsonObject): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null)).sort();
}

const FIELD_REASONS: Record<string, string> = {
  billing: 'the billing period and renewal of an existing subscription are managed in the billing console, not by a new order',
  product_id: 'changing the product (resizing) is not an order the order API can place',
  root_volume: 'the system disk cannot be resized or retyped by an order',
  user: 'assigning a desktop to another user is not an order',
  tags: 'tags are not changed by orders',
  enterprise_project_id: 'moving a resource to another enterprise project is not an order',
  computer_name: 'renaming a desktop is not an order',
};

function cannotChange(kind: string, fields: readonly string[]): Classified {
  const details = fields.map((f) => `${f}: ${FIELD_REASONS[f] ?? 'the order API cannot change it on an existing resource'}`);
  return blocked(`${kind} change cannot be ordered — ${details.join('; ')}. Revert it in git, or change it in the console and then update git to match.`);
}

function desktopIdOf(records: KindContext['records'], name: string): string | undefined {
  return records[`Desktop/${name}`]?.cloud_id;
}

// ----------------------------------------------------------------------------------------------- create

function createDesktop(r: DesiredResource): Classified {
  const spec = r.spec;
  const user = spec['user'] as JsonObject | undefined;
  const config = without(spec, 'billing', 'computer_name', 'os_host_name', 'user');
  if (!user) {
    // Unassigned desktops are named by desktop_name + size, which cannot carry several names: one order each.
    const shared = { ...config, size: 1, desktop_name: spec['computer_name'] as string };
    return { action: 'create', operation: 'createDesktops', reason: 'new unassigned desktop: its own createDesktops order (size 1)', parts: [part(r, 'createDesktops', 'create_desktops', shared, spec, { subscription: true })] };
  }
  const entry: JsonObject = { ...user, computer_name: spec['computer_name'] as string };
  if (spec['os_host_name'] !== undefined) entry['os_host_name'] = spec['os_host_name'];
  return {
    action: 'create',
    operation: 'createDesktops',
    reason: 'new desktop: createDesktops (batched with desktops of identical configuration and billing, at most 50 per order)',
    parts: [part(r, 'createDesktops', 'create_desktops', config, spec, { item: entry, subscription: true })],
  };
}

function createPool(r: DesiredResource): Classified {
  const size = r.spec['size'] as number;
  const initial = Math.min(size, POOL_CREATE_MAX_SIZE);
  const target = { ...r.spec, size: initial };
  const request = { ...without(target, 'billing'), name: r.name };
  const reason =
    initial < size
      ? `new pool: createDesktopPool with ${initial} desktops (the most a pool is created with); the remaining ${size - initial} follow as expandDesktopPool once the pool exists`
      : `new pool of ${size} desktops: createDesktopPool`;
  return { action: 'create', operation: 'createDesktopPool', reason, parts: [part(r, 'createDesktopPool', 'create_desktop_pool', request, target, { subscription: true })] };
}

function internetRequest(spec: JsonObject, desktopIds: string[]): JsonObject {
  return { desktop_ids: desktopIds, eip_type: spec['eip_type']!, eip_charge_mode: spec['eip_charge_mode']!, bandwidth_size: spec['bandwidth_size']! };
}

/** Splits names into those whose desktop_id is known and those still waiting for one. */
function knownDesktops(ctx: KindContext, names: readonly string[]): { known: string[]; ids: string[]; waiting: string[] } {
  const known: string[] = [];
  const ids: string[] = [];
  const waiting: string[] = [];
  for (const name of names) {
    const id = desktopIdOf(ctx.records, name);
    if (id) {
      known.push(name);
      ids.push(id);
    } else waiting.push(name);
  }
  return { known, ids, waiting };
}

function waitingFor(names: readonly string[]): string {
  return `${names.map((n) => `Desktop/${n}`).join(', ')} ${names.length === 1 ? 'has' : 'have'} no desktop_id yet (it is learned once the desktop is active: plan --refresh or reconcile)`;
}

/**
 * DesktopInternet's "unrecorded" guard: it has no cloud id of its own, so it is judged per desktop. A
 * desktop about to get EIP access that already has an EIP bound got it outside this record (the
 * document was renamed, the state lost its record, the console): ordering again would bill it twice.
 */
function alreadyOnline(ctx: KindContext, known: readonly string[], ids: readonly string[]): Classified | undefined {
  const taken = known.filter((_, i) => ctx.eipDesktopIds?.has(ids[i]!) === true);
  if (taken.length === 0) return undefined;
  return blocked(
    `${taken.map((n) => `Desktop/${n}`).join(', ')} already ${taken.length === 1 ? 'has' : 'have'} an EIP bound in the cloud that the recorded state does not account for; ordering EIP access again would bill it twice. Release or unbind it in the console, or take the desktop out of the list`,
  );
}

function createInternet(r: DesiredResource, ctx: KindContext): Classified {
  const names = r.spec['desktops'] as string[];
  const { known, ids, waiting } = knownDesktops(ctx, names);
  if (known.length === 0) return blocked(`waiting: ${waitingFor(waiting)}`);
  const online = alreadyOnline(ctx, known, ids);
  if (online) return online;
  const target = { ...r.spec, desktops: known };
  const reason = waiting.length === 0 ? `EIP access for ${known.length} desktop(s): applyDesktopsInternet` : `EIP access for ${known.length} desktop(s) now; ${waitingFor(waiting)}, so they follow in a later order`;
  return { action: 'create', operation: 'applyDesktopsInternet', reason, parts: [part(r, 'applyDesktopsInternet', 'apply_desktops_internet', internetRequest(r.spec, ids), target, { subscription: true })] };
}

function createSimple(r: DesiredResource, type: OrderType, field: OrderPart['requestField'], request: JsonObject, what: string): Classified {
  return { action: 'create', operation: type, reason: `new ${what}: ${type}`, parts: [part(r, type, field, request, r.spec, { subscription: true })] };
}

export function classifyCreate(r: DesiredResource, ctx: KindContext): Classified {
  switch (r.kind) {
    case 'Desktop':
      return createDesktop(r);
    case 'DesktopPool':
      return createPool(r);
    case 'DesktopInternet':
      return createInternet(r, ctx);
    case 'SubnetBandwidth':
      return createSimple(r, 'ApplySubnetBandwidth', 'apply_subnet_bandwidth', without(r.spec, 'billing'), 'Workspace bandwidth');
    case 'ExclusiveHost':
      return createSimple(r, 'createExclusiveHosts', 'create_exclusive_hosts', without(r.spec, 'billing'), 'exclusive hosts');
    case 'UserSharer':
      return createSimple(r, 'subscribeUserSharer', 'subscribe_user_sharer', { user_sharer_sku: r.spec['user_sharer_sku']!, users: r.spec['users']! }, 'collaboration subscription');
  }
}

// ----------------------------------------------------------------------------------------------- update

function updateDesktop(r: DesiredResource, rec: ResourceRecord, changed: string[], ctx: KindContext): Classified {
  const before = rec.spec!;
  const imageFields = changed.filter((f) => f === 'image_id' || f === 'image_type');
  const volumes = changed.includes('data_volumes');
  const other = changed.filter((f) => f !== 'image_id' && f !== 'image_type' && f !== 'data_volumes');
  if (other.length > 0) return cannotChange('Desktop', other);
  if (volumes && imageFields.length > 0) {
    return blocked('adding data volumes and changing the image are separate orders for the same desktop: change one in this commit and the other in the next');
  }
  const desktopId = rec.cloud_id;
  if (volumes) {
    const old = (before['data_volumes'] ?? []) as Json[];
    const next = (r.spec['data_volumes'] ?? []) as Json[];
    const prefixKept = old.every((v, i) => canonicalJson(v) === canonicalJson(next[i] ?? null));
    if (!prefixKept || next.length <= old.length) {
      return blocked('data volumes can only be added at the end of the list: removing, shrinking, retyping or reordering a volume is not an order the API can place');
    }
    if (!desktopId) return blocked(`waiting: addVolumes needs the desktop_id of ${r.address}, learned once the desktop is active (plan --refresh or reconcile)`);
    const added = next.slice(old.length);
    const request = { desktop_id: desktopId, volumes: added };
    return { action: 'update', operation: 'addVolumes', reason: `add ${added.length} data volume(s): addVolumes`, parts: [part(r, 'addVolumes', 'add_volumes', request, r.spec, { subscription: false })] };
  }
  const decision = ctx.allowRebuild(r);
  if (!decision.allowed) {
    return blocked(
      `image change rebuilds the system disk and destroys its data; it is not allowed for ${r.address}. Allow it with metadata.annotations["${ALLOW_REBUILD_ANNOTATION}"]: "true" or a policy`,
    );
  }
  if (!desktopId) return blocked(`waiting: rebuildDesktops needs the desktop_id of ${r.address}, learned once the desktop is active (plan --refresh or reconcile)`);
  const shared: JsonObject = { image_type: r.spec['image_type']!, image_id: r.spec['image_id']!, enterprise_project_id: r.spec['enterprise_project_id']! };
  return {
    action: 'update',
    operation: 'rebuildDesktops',
    reason: `new image ${r.spec['image_id'] as string}: rebuildDesktops (destructive; allowed by ${decision.by ?? 'policy'})`,
    parts: [part(r, 'rebuildDesktops', 'rebuild_desktops', shared, r.spec, { item: desktopId, subscription: false })],
  };
}

function updatePool(r: DesiredResource, rec: ResourceRecord, changed: string[]): Classified {
  const other = changed.filter((f) => f !== 'size');
  if (other.length > 0) return cannotChange('DesktopPool', other);
  const before = rec.spec!['size'] as number;
  const after = r.spec['size'] as number;
  if (after < before) return blocked(`shrinking a pool (${before} → ${after}) is not an order the API can place; remove desktops from the pool in the console`);
  if (!rec.cloud_id) return blocked(`waiting: expandDesktopPool needs the pool id of ${r.address}, learned once the pool is active (plan --refresh or reconcile)`);
  const add = Math.min(after - before, POOL_EXPAND_MAX_SIZE);
  const target = { ...r.spec, size: before + add };
  return { action: 'update', operation: 'expandDesktopPool', reason: `grow the pool from ${before} to ${before + add} desktops: expandDesktopPool`, parts: [part(r, 'expandDesktopPool', 'expand_desktop_pool', { pool_id: rec.cloud_id, size: add }, target, { subscription: false })] };
}

function addedMembers<T>(before: readonly T[], after: readonly T[], key: (t: T) => string): { added: T[]; removed: T[] } {
  const b = new Set(before.map(key));
  const a = new Set(after.map(key));
  return { added: after.filter((t) => !b.has(key(t))), removed: before.filter((t) => !a.has(key(t))) };
}

function updateInternet(r: DesiredResource, rec: ResourceRecord, changed: string[], ctx: KindContext): Classified {
  const other = changed.filter((f) => f !== 'desktops');
  if (other.length > 0) return cannotChange('DesktopInternet', other);
  const recorded = rec.spec!['desktops'] as string[];
  const desired = r.spec['desktops'] as string[];
  const { added, removed } = addedMembers(recorded, desired, (n) => n);
  if (removed.length > 0) return blocked(`removing EIP access (${removed.join(', ')}) is not an order the API can place; unbind the EIPs in the console`);
  if (added.length === 0) return reordered('desktops');
  const { known, ids, waiting } = knownDesktops(ctx, added);
  if (known.length === 0) return blocked(`waiting: ${waitingFor(waiting)}`);
  const online = alreadyOnline(ctx, known, ids);
  if (online) return online;
  // In the desired order, so that once every desktop is covered the recorded spec equals the desired one.
  const covered = new Set([...recorded, ...known]);
  const target = { ...r.spec, desktops: desired.filter((n) => covered.has(n)) };
  const reason = `EIP access for ${known.join(', ')}: applyDesktopsInternet${waiting.length > 0 ? `; ${waitingFor(waiting)}` : ''}`;
  return { action: 'update', operation: 'applyDesktopsInternet', reason, parts: [part(r, 'applyDesktopsInternet', 'apply_desktops_internet', internetRequest(r.spec, ids), target, { subscription: true })] };
}

function updateHost(r: DesiredResource, changed: string[]): Classified {
  const other = changed.filter((f) => f !== 'apply_desktop_quantity');
  if (other.length > 0) return cannotChange('ExclusiveHost', other);
  const quantity = (r.spec['apply_desktop_quantity'] as number | undefined) ?? 0;
  const request: JsonObject = { product_id: r.spec['product_id']!, new_quantity: quantity, enterprise_project_id: r.spec['enterprise_project_id']! };
  return { action: 'update', operation: 'createExclusiveHosts', reason: `desktops on the exclusive hosts → ${quantity}: resize_exclusive_lites`, parts: [part(r, 'createExclusiveHosts', 'resize_exclusive_lites', request, r.spec, { subscription: false })] };
}

type SharerUser = { user_id: string; user_name: string };

function updateSharer(r: DesiredResource, rec: ResourceRecord, changed: string[]): Classified {
  const other = changed.filter((f) => f !== 'users');
  if (other.length > 0) return cannotChange('UserSharer', other);
  const { added, removed } = addedMembers(rec.spec!['users'] as SharerUser[], r.spec['users'] as SharerUser[], (u) => u.user_id);
  if (removed.length > 0) return blocked(`unsubscribing users (${removed.map((u) => u.user_name).join(', ')}) is not an order the API can place`);
  if (added.length === 0) {
    const names = new Map((rec.spec!['users'] as SharerUser[]).map((u) => [u.user_id, u.user_name]));
    const renamed = (r.spec['users'] as SharerUser[]).some((u) => names.get(u.user_id) !== u.user_name);
    return renamed ? blocked('users changed in place (same user_id, other name): not an order the API can place') : reordered('users');
  }
  const request: JsonObject = { user_sharer_sku: r.spec['user_sharer_sku']!, users: added };
  return { action: 'update', operation: 'subscribeUserSharer', reason: `subscribe ${added.map((u) => u.user_name).join(', ')}: subscribeUserSharer`, parts: [part(r, 'subscribeUserSharer', 'subscribe_user_sharer', request, r.spec, { subscription: true })] };
}

export function classifyUpdate(r: DesiredResource, rec: ResourceRecord, ctx: KindContext): Classified {
  const changed = changedFields(rec.spec!, r.spec);
  switch (r.kind) {
    case 'Desktop':
      return updateDesktop(r, rec, changed, ctx);
    case 'DesktopPool':
      return updatePool(r, rec, changed);
    case 'DesktopInternet':
      return updateInternet(r, rec, changed, ctx);
    case 'ExclusiveHost':
      return updateHost(r, changed);
    case 'UserSharer':
      return updateSharer(r, rec, changed);
    case 'SubnetBandwidth':
      return cannotChange('SubnetBandwidth', changed);
  }
}

export function annotationAllowsRebuild(r: DesiredResource): RebuildDecision {
  return r.annotations[ALLOW_REBUILD_ANNOTATION] === 'true' ? { allowed: true, by: `annotation ${ALLOW_REBUILD_ANNOTATION}` } : { allowed: false };
}
