/** The Workspace read APIs, as the reconciler pages and filters them (reference §1). */
import type { DesktopDetail } from '../workspace/types.js';
import { ApiError, CODES } from './api-error.js';
import { ok, type RouteContext } from './context.js';
import { effectCount } from './effects.js';
import { isoTime } from './ids.js';
import { page, param } from './query.js';
import { BSS_STATUS, type SimResponse } from './types.js';

/** desktops/detail: the description's 1..500 (the schema's 1000 is not what the service enforces). */
export const DESKTOPS_MAX_LIMIT = 500;
export const LIST_MAX_LIMIT = 1000;
export const MAX_ID_FILTER = 100;

type Filter<T> = (item: T) => boolean;

function equals<T>(value: string | undefined, get: (item: T) => string | undefined): Filter<T> | undefined {
  return value === undefined ? undefined : (item) => get(item) === value;
}

function applyFilters<T>(items: readonly T[], filters: (Filter<T> | undefined)[]): readonly T[] {
  const active = filters.filter((f): f is Filter<T> => f !== undefined);
  return active.length === 0 ? items : items.filter((item) => active.every((f) => f(item)));
}

export function listDesktops(ctx: RouteContext): SimResponse {
  const q = ctx.query;
  const ids = q.get('desktop_id');
  if (ids && ids.length > MAX_ID_FILTER) {
    throw new ApiError(400, CODES.parameter, `query parameter desktop_id: ${ids.length} ids given (allowed: at most ${MAX_ID_FILTER})`);
  }
  const idSet = ids ? new Set(ids) : undefined;
  const pools = param(q, 'pool_id')?.split(',');
  const all = applyFilters<DesktopDetail>(ctx.world.store.sortedDesktops(), [
    equals(param(q, 'computer_name'), (d) => d.computer_name),
    equals(param(q, 'user_name'), (d) => d.user_name),
    equals(param(q, 'status'), (d) => d.status),
    equals(param(q, 'enterprise_project_id'), (d) => d.enterprise_project_id),
    idSet ? (d) => idSet.has(d.desktop_id) : undefined,
    pools ? (d) => d.pool_id !== undefined && pools.includes(d.pool_id) : undefined,
  ]);
  return ok({ desktops: page(all, q, { max: DESKTOPS_MAX_LIMIT, default: DESKTOPS_MAX_LIMIT }), total_count: all.length });
}

export function showDesktop(ctx: RouteContext): SimResponse {
  const id = ctx.params['desktop_id'] ?? '';
  const desktop = ctx.world.store.desktops.get(id);
  if (!desktop) throw new ApiError(404, CODES.notFound, `desktop ${id} does not exist`);
  return ok({ desktop });
}

export function listPools(ctx: RouteContext): SimResponse {
  const q = ctx.query;
  const name = param(q, 'name');
  const all = applyFilters([...ctx.world.store.pools.values()], [
    // Fuzzy like the real API (reference §1.2): a client must check the name it gets back.
    name === undefined ? undefined : (p) => p.name.includes(name),
    equals(param(q, 'type'), (p) => p.type),
    equals(param(q, 'enterprise_project_id'), (p) => p.enterprise_project_id),
  ]);
  return ok({ desktop_pools: page(all, q, { max: LIST_MAX_LIMIT, default: LIST_MAX_LIMIT }), total_count: all.length });
}

export function showPool(ctx: RouteContext): SimResponse {
  const id = ctx.params['pool_id'] ?? '';
  const pool = ctx.world.store.pools.get(id);
  // The real API answers an unknown pool with 400 WKS.0001 (Terraform provider), not 404.
  if (!pool) throw new ApiError(400, CODES.parameter, `desktop pool ${id} does not exist`);
  return ok(pool);
}

export function listBandwidths(ctx: RouteContext): SimResponse {
  const q = ctx.query;
  const all = applyFilters([...ctx.world.store.bandwidths.values()], [
    equals(param(q, 'subnet_id'), (b) => b.subnet_id),
    equals(param(q, 'bandwidth_name'), (b) => b.bandwidth_name),
    equals(param(q, 'bandwidth_id'), (b) => b.bandwidth_id),
  ]);
  return ok({ bandwidths: page(all, q, { max: LIST_MAX_LIMIT }), total_count: all.length });
}

export function listEips(ctx: RouteContext): SimResponse {
  const q = ctx.query;
  const state = param(q, 'state');
  const all = applyFilters([...ctx.world.store.eips.values()], [
    equals(param(q, 'desktop_id'), (e) => e.attached_desktop_id),
    equals(param(q, 'desktop_name'), (e) => e.attached_desktop_name),
    equals(param(q, 'address'), (e) => e.address),
    state === undefined ? undefined : (e) => (e.attached_desktop_id === undefined ? 'unbind' : 'bind') === state,
  ]);
  return ok({ eips: page(all, q, { max: LIST_MAX_LIMIT }), total_count: all.length });
}

export function listHosts(ctx: RouteContext): SimResponse {
  const q = ctx.query;
  const all = applyFilters([...ctx.world.store.hosts.values()], [
    equals(param(q, 'name'), (h) => h.name),
    equals(param(q, 'host_id'), (h) => h.dedicated_host_id),
    equals(param(q, 'availability_zone'), (h) => h.availability_zone),
    equals(param(q, 'state'), (h) => h.state),
  ]);
  return ok({ dedicated_hosts: page(all, q, { max: LIST_MAX_LIMIT }), total: all.length });
}

/** A job per order: WAITING until paid, RUNNING until provisioned, then SUCCESS. */
export function showJob(ctx: RouteContext): SimResponse {
  const id = ctx.params['job_id'] ?? '';
  const entry = ctx.world.orderOfJob(id);
  if (!entry) throw new ApiError(404, CODES.notFound, `job ${id} does not exist`);
  const status = ctx.world.status(entry);
  return ok({
    id: entry.job_id,
    job_type: entry.type,
    status: status === BSS_STATUS.pendingPayment ? 'WAITING' : status === BSS_STATUS.processing ? 'RUNNING' : 'SUCCESS',
    begin_time: isoTime(entry.paid_at ?? entry.created_at),
    ...(entry.provisioned_at === undefined ? {} : { end_time: isoTime(entry.provisioned_at) }),
    sub_jobs_total: effectCount(entry.effects),
    order_id: entry.order_id,
  });
}
