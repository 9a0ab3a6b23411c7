/**
 * What an accepted order does to the world, worked out once from its body: the resources it creates
 * and the changes it makes, each with the path of the request field it came from (for error messages).
 * A pure function of the body and the order id, so replaying the event log rebuilds the same effects
 * and the same resource ids. Times, EIP addresses and volume devices are filled in when provisioned.
 */
import type { PathSegment } from '../validation/problems.js';
import type {
  AddVolumes,
  ApplyDesktopsInternet,
  ApplySubnetBandwidthReq,
  CreateDesktopPoolReq,
  CreateDesktopReq,
  CreateExclusiveHostsReq,
  DesktopEntry,
  OrderBody,
  OrderResource,
  ResizeExclusiveLitesReq,
  SubscribeUserSharerReq,
} from '../workspace/order-schema.js';
import type { DesktopDetail, DesktopPoolDetail, EipDetail, ExclusiveHostDetail, SubnetBandwidthDetail, VolumeDetail } from '../workspace/types.js';
import { derivedId } from './ids.js';
import type { UserSharerRecord } from './types.js';

export const DEFAULT_AVAILABILITY_ZONE = 'cn-north-4a';
/** ApplySubnetBandwidth's bandwidth_size is optional on the page; this is what an order without it gets. */
export const DEFAULT_SUBNET_BANDWIDTH_MBITS = 10;

export type Effect =
  | { kind: 'desktop'; path: PathSegment[]; desktop: DesktopDetail }
  | { kind: 'add-volumes'; path: PathSegment[]; desktop_id: string; volumes: VolumeDetail[] }
  | { kind: 'rebuild'; path: PathSegment[]; desktop_ids: string[]; image_type: string; image_id: string }
  | { kind: 'pool'; path: PathSegment[]; pool: DesktopPoolDetail }
  | { kind: 'expand-pool'; path: PathSegment[]; pool_id: string; size: number }
  | { kind: 'bandwidth'; path: PathSegment[]; bandwidth: SubnetBandwidthDetail }
  | { kind: 'eip'; path: PathSegment[]; eip: EipDetail }
  | { kind: 'host'; path: PathSegment[]; host: ExclusiveHostDetail }
  | { kind: 'resize-hosts'; path: PathSegment[]; product_id: string; new_quantity: number }
  | { kind: 'sharer'; path: PathSegment[]; sharer: UserSharerRecord };

interface Ctx {
  orderId: string;
  /** Seed for derived ids: order id and resource index. */
  seed: string;
  path: PathSegment[];
  enterpriseProjectId: string;
}

function volume(v: { type: string; size: number }, id: string): VolumeDetail {
  return { id, volume_id: derivedId(`${id}/evs`), type: v.type, size: v.size };
}

/** The desktop's name: the entry's computer_name, desktop_name (+ a two-digit index when size > 1), or a generated one. */
function nameOf(req: CreateDesktopReq, entry: DesktopEntry | undefined, i: number, id: string, path: PathSegment[]): { name: string; path: PathSegment[] } {
  if (entry?.computer_name !== undefined) return { name: entry.computer_name, path: [...path, 'desktops', i, 'computer_name'] };
  if (entry === undefined && req.desktop_name !== undefined) {
    const name = req.size === 1 ? req.desktop_name : `${req.desktop_name}${String(i + 1).padStart(2, '0')}`;
    return { name, path: [...path, 'desktop_name'] };
  }
  const prefix = entry?.desktop_name_prefix ?? 'wks';
  return { name: `${prefix}-${id.slice(0, 8)}`, path: entry === undefined ? [...path, 'size'] : [...path, 'desktops', i] };
}

function desktopEffects(req: CreateDesktopReq, ctx: Ctx): Effect[] {
  const path = [...ctx.path, 'create_desktops'];
  const entries = req.desktops ?? Array.from({ length: req.size ?? 0 }, () => undefined);
  const epid = req.enterprise_project_id ?? ctx.enterpriseProjectId;
  return entries.map((entry, i): Effect => {
    const id = derivedId(`${ctx.seed}/desktop/${i}`);
    const { name, path: namePath } = nameOf(req, entry, i, id, path);
    const user = entry?.user_name;
    const desktop: DesktopDetail = {
      desktop_id: id,
      computer_name: name,
      status: 'ACTIVE',
      task_status: '',
      desktop_type: req.desktop_type,
      product_id: req.product_id,
      product: { product_id: req.product_id },
      metadata: { 'metering.image_id': req.image_id, 'metering.resourcespeccode': req.product_id, charging_mode: '1' },
      root_volume: volume(req.root_volume, derivedId(`${id}/root`)),
      data_volumes: (req.data_volumes ?? []).map((v, j) => volume(v, derivedId(`${id}/data/${j}`))),
      user_name: user ?? '',
      user_list: user === undefined ? [] : [user],
      ...(entry?.user_group === undefined ? {} : { user_group: entry.user_group }),
      attach_user_infos: user === undefined ? [] : [{ type: 'USER', user_id: derivedId(`user/${user}`), user_name: user, ...(entry?.user_group === undefined ? {} : { user_group: entry.user_group }) }],
      availability_zone: req.availability_zone ?? DEFAULT_AVAILABILITY_ZONE,
      ...(req.nics?.[0] === undefined ? {} : { subnet_id: req.nics[0].subnet_id }),
      security_groups: (req.security_groups ?? []).map((g) => ({ id: g.id })),
      tags: (req.tags ?? []).map((t) => ({ ...t })),
      order_id: ctx.orderId,
      enterprise_project_id: epid,
    };
    return { kind: 'desktop', path: namePath, desktop };
  });
}

function addVolumesEffect(req: AddVolumes, ctx: Ctx): Effect {
  const path = [...ctx.path, 'add_volumes'];
  const volumes = req.volumes.map((v, j) => volume(v, derivedId(`${ctx.seed}/volume/${j}`)));
  return { kind: 'add-volumes', path, desktop_id: req.desktop_id, volumes };
}

function poolEffect(req: CreateDesktopPoolReq, ctx: Ctx): Effect {
  const id = derivedId(`${ctx.seed}/pool`);
  const pool: DesktopPoolDetail & Record<string, unknown> = {
    id,
    name: req.name,
    type: req.type,
    ...(req.description === undefined ? {} : { description: req.description }),
    desktop_count: req.size,
    desktop_used: 0,
    availability_zone: req.availability_zone ?? DEFAULT_AVAILABILITY_ZONE,
    subnet_ids: [...req.subnet_ids],
    ...(req.vpc_id === undefined ? {} : { vpc_id: req.vpc_id }),
    product: { product_id: req.product_id, ...(req.flavor_id === undefined ? {} : { flavor_id: req.flavor_id }), status: 'normal' },
    image_id: req.image_id,
    root_volume: volume(req.root_volume, derivedId(`${id}/root`)),
    data_volumes: (req.data_volumes ?? []).map((v, j) => volume(v, derivedId(`${id}/data/${j}`))),
    security_groups: (req.security_groups ?? []).map((g) => ({ id: g.id })),
    status: 'STEADY',
    charging_mode: 0,
    enterprise_project_id: req.enterprise_project_id ?? ctx.enterpriseProjectId,
    tags: (req.tags ?? []).map((t) => ({ ...t })),
    order_id: ctx.orderId,
    enable_autoscale: req.enable_autoscale ?? false,
    ...(req.autoscale_policy === undefined ? {} : { autoscale_policy: { ...req.autoscale_policy } }),
    ...(req.disconnected_retention_period === undefined ? {} : { disconnected_retention_period: req.disconnected_retention_period }),
    in_maintenance_mode: false,
  };
  return { kind: 'pool', path: [...ctx.path, 'create_desktop_pool', 'name'], pool };
}

function bandwidthEffect(req: ApplySubnetBandwidthReq, ctx: Ctx): Effect {
  const id = derivedId(`${ctx.seed}/bandwidth`);
  const bandwidth: SubnetBandwidthDetail = {
    bandwidth_id: id,
    bandwidth_name: req.bandwidth_name ?? `wks-bandwidth-${id.slice(0, 8)}`,
    charge_mode: req.charge_mode,
    size: req.bandwidth_size ?? DEFAULT_SUBNET_BANDWIDTH_MBITS,
    subnet_id: req.subnet_id,
    order_id: ctx.orderId,
    status: 'ACTIVE',
  };
  return { kind: 'bandwidth', path: [...ctx.path, 'apply_subnet_bandwidth', 'subnet_id'], bandwidth };
}

function eipEffects(req: ApplyDesktopsInternet, ctx: Ctx): Effect[] {
  const path = [...ctx.path, 'apply_desktops_internet'];
  const ids = req.desktop_ids ?? [];
  const targets: (string | undefined)[] = ids.length > 0 ? ids : Array.from({ length: req.count ?? 0 }, () => undefined);
  return targets.map((desktopId, i): Effect => ({
    kind: 'eip',
    path: desktopId === undefined ? [...path, 'count'] : [...path, 'desktop_ids', i],
    eip: {
      id: derivedId(`${ctx.seed}/eip/${i}`),
      address: '',
      bandwidth_size: req.bandwidth_size,
      eip_charge_mode: req.eip_charge_mode,
      ...(desktopId === undefined ? {} : { attached_desktop_id: desktopId }),
      enterprise_project_id: ctx.enterpriseProjectId,
      order_id: ctx.orderId,
    },
  }));
}

function hostEffects(req: CreateExclusiveHostsReq, ctx: Ctx): Effect[] {
  const path = [...ctx.path, 'create_exclusive_hosts'];
  // A resize nested in the create request sets the new hosts' desktop quantity.
  const quantity = req.resize_exclusive_lites?.new_quantity ?? req.apply_desktop_quantity ?? 0;
  return Array.from({ length: req.quantity }, (_, i): Effect => {
    const id = derivedId(`${ctx.seed}/host/${i}`);
    const name = req.name === undefined ? `host-${id.slice(0, 8)}` : req.quantity === 1 ? req.name : `${req.name}-${i + 1}`;
    return {
      kind: 'host',
      path: [...path, req.name === undefined ? 'quantity' : 'name'],
      host: {
        dedicated_host_id: id,
        name,
        product_id: req.product_id,
        order_id: ctx.orderId,
        state: 'available',
        availability_zone: req.availability_zone,
        instance_total: 0,
        instance_uuids: [],
        desktop_quantity: quantity,
      },
    };
  });
}

function resizeEffect(req: ResizeExclusiveLitesReq, ctx: Ctx): Effect {
  return { kind: 'resize-hosts', path: [...ctx.path, 'resize_exclusive_lites', 'product_id'], product_id: req.product_id, new_quantity: req.new_quantity };
}

function sharerEffects(req: SubscribeUserSharerReq, ctx: Ctx): Effect[] {
  return req.users.map((u, i): Effect => ({
    kind: 'sharer',
    path: [...ctx.path, 'subscribe_user_sharer', 'users', i, 'user_id'],
    sharer: { user_id: u.user_id, user_name: u.user_name, user_sharer_sku: req.user_sharer_sku, order_id: ctx.orderId, subscribed_at: '' },
  }));
}

function resourceEffects(r: OrderResource, ctx: Ctx): Effect[] {
  const out: Effect[] = [];
  if (r.create_desktops) out.push(...desktopEffects(r.create_desktops, ctx));
  if (r.add_volumes) out.push(addVolumesEffect(r.add_volumes, ctx));
  if (r.rebuild_desktops) {
    const { desktop_ids, image_type, image_id } = r.rebuild_desktops;
    out.push({ kind: 'rebuild', path: [...ctx.path, 'rebuild_desktops', 'desktop_ids'], desktop_ids: [...desktop_ids], image_type, image_id });
  }
  if (r.create_desktop_pool) out.push(poolEffect(r.create_desktop_pool, ctx));
  if (r.expand_desktop_pool) {
    out.push({ kind: 'expand-pool', path: [...ctx.path, 'expand_desktop_pool', 'pool_id'], pool_id: r.expand_desktop_pool.pool_id, size: r.expand_desktop_pool.size });
  }
  if (r.apply_subnet_bandwidth) out.push(bandwidthEffect(r.apply_subnet_bandwidth, ctx));
  if (r.apply_desktops_internet) out.push(...eipEffects(r.apply_desktops_internet, ctx));
  if (r.create_exclusive_hosts) out.push(...hostEffects(r.create_exclusive_hosts, ctx));
  if (r.resize_exclusive_lites) out.push(resizeEffect(r.resize_exclusive_lites, ctx));
  if (r.subscribe_user_sharer) out.push(...sharerEffects(r.subscribe_user_sharer, ctx));
  return out;
}

/** Every effect of a valid order body, in the order of its resources. */
export function effectsOf(body: OrderBody, orderId: string): Effect[] {
  return body.resources.flatMap((r, i) =>
    resourceEffects(r, { orderId, seed: `${orderId}/${i}`, path: ['resources', i], enterpriseProjectId: body.enterprise_project_id ?? '0' }),
  );
}

/** How many things an order makes, for the job's sub_jobs_total. */
export function effectCount(effects: readonly Effect[]): number {
  return effects.reduce((n, e) => n + (e.kind === 'rebuild' ? e.desktop_ids.length : 1), 0);
}
