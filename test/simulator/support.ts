/** Shared helpers for the simulator tests: a fake clock, valid order bodies of every type, and HTTP calls. */
import { expect } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

export const PROJECT = '0bec5db98280d2d02fd6c00c2de791ce';
export const ORDER_PATH = `/v2/${PROJECT}/periodic/subscribe/order`;
export const T0 = Date.parse('2026-03-01T08:00:00.000Z');

export class FakeClock {
  constructor(public ms = T0) {}
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

// Response bodies are JSON checked by assertions, not by types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The `key` field of every item of a JSON list, e.g. pluck(body.desktops, 'desktop_id'). */
export function pluck(list: unknown, key: string): unknown[] {
  return (list as Record<string, unknown>[]).map((item) => item[key]);
}

export interface Reply {
  status: number;
  body: Json;
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

export function start(options: SimulatorOptions & { port?: number } = {}): Promise<RunningSimulator> {
  return startSimulator({ projectId: PROJECT, ...options });
}

export const postOrder = (sim: RunningSimulator, body: unknown): Promise<Reply> => call(sim.url, 'POST', ORDER_PATH, body);
export const get = (sim: RunningSimulator, path: string): Promise<Reply> => call(sim.url, 'GET', path);
export const pay = (sim: RunningSimulator, orderId: string): Promise<Reply> =>
  call(sim.url, 'POST', '/v3/orders/customer-orders/pay', { order_id: orderId, use_coupon: 'NO', use_discount: 'NO' });

/** Posts an order the simulator must accept; the ids it answers with. */
export async function place(sim: RunningSimulator, body: unknown): Promise<{ order_id: string; job_id: string }> {
  const reply = await postOrder(sim, body);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body as { order_id: string; job_id: string };
}

const billing = { period_type: 2, period_num: 1, is_auto_renew: 1 };
const autoPay = { is_auto_pay: 'true' };

export function desktopsBody(desktops: Json[] = [{ user_name: 'alice', user_group: 'sudo', computer_name: 'alice-dev' }], extra: Json = {}): Json {
  return {
    type: 'createDesktops',
    enterprise_project_id: '0',
    resources: [
      {
        ...billing,
        create_desktops: {
          desktop_type: 'DEDICATED',
          availability_zone: 'cn-north-4a',
          product_id: 'workspace.k.xlarge2.uosv20pro',
          image_type: 'private',
          image_id: 'e1d65e11-861c-459d-a3a8-ab150d79befc',
          root_volume: { type: 'SAS', size: 80 },
          data_volumes: [{ type: 'SAS', size: 100 }],
          nics: [{ subnet_id: '197c1aa4-2611-48bd-a3af-ac4ce2c17c4c' }],
          security_groups: [{ id: '5b8a1c3e-0000-4000-8000-000000000001' }],
          tags: [{ key: 'team', value: 'platform' }],
          desktops,
          ...extra,
        },
      },
    ],
    extend_param: autoPay,
  };
}

export function unassignedDesktopsBody(name: string, size: number): Json {
  const body = desktopsBody();
  const req = body.resources[0].create_desktops;
  delete req.desktops;
  req.desktop_name = name;
  req.size = size;
  return body;
}

export const addVolumesBody = (desktopId: string, volumes: Json[] = [{ type: 'SAS', size: 50 }]): Json => ({
  type: 'addVolumes',
  resources: [{ add_volumes: { desktop_id: desktopId, volumes } }],
  extend_param: autoPay,
});

export const rebuildBody = (desktopIds: string[], imageId = 'a2d5a4d0-0000-4000-8000-00000000000b'): Json => ({
  type: 'rebuildDesktops',
  resources: [{ rebuild_desktops: { desktop_ids: desktopIds, image_type: 'private', image_id: imageId } }],
  extend_param: autoPay,
});

export const poolBody = (name = 'pool-a', size = 2): Json => ({
  type: 'createDesktopPool',
  resources: [
    {
      ...billing,
      create_desktop_pool: {
        name,
        type: 'DYNAMIC',
        size,
        product_id: 'workspace.x86.ultimate.large2',
        image_type: 'gold',
        image_id: 'img-pool',
        root_volume: { type: 'SAS', size: 80 },
        data_volumes: [{ type: 'SSD', size: 50 }],
        subnet_ids: ['subnet-1'],
        vpc_id: 'vpc-1',
        tags: [{ key: 'tier', value: 'prod' }],
      },
    },
  ],
  extend_param: autoPay,
});

export const expandBody = (poolId: string, size = 3): Json => ({
  type: 'expandDesktopPool',
  resources: [{ expand_desktop_pool: { pool_id: poolId, size } }],
  extend_param: autoPay,
});

export const internetBody = (desktopIds: string[] | undefined, count?: number): Json => ({
  type: 'applyDesktopsInternet',
  resources: [
    {
      ...billing,
      apply_desktops_internet: {
        ...(desktopIds === undefined ? {} : { desktop_ids: desktopIds }),
        ...(count === undefined ? {} : { count }),
        eip_type: '5_bgp',
        eip_charge_mode: 'BANDWIDTH',
        bandwidth_size: 10,
      },
    },
  ],
  extend_param: autoPay,
});

export const bandwidthBody = (subnetId = 'subnet-1', name = 'office-bw'): Json => ({
  type: 'ApplySubnetBandwidth',
  resources: [{ ...billing, apply_subnet_bandwidth: { subnet_id: subnetId, bandwidth_name: name, charge_mode: 'wks_bandwidth', bandwidth_size: 20 } }],
  extend_param: autoPay,
});

export const hostsBody = (name: string | undefined = 'host-a', quantity = 1, productId = 'workspace.host.x1'): Json => ({
  type: 'createExclusiveHosts',
  resources: [
    {
      ...billing,
      create_exclusive_hosts: {
        availability_zone: 'cn-north-4a',
        ...(name === undefined ? {} : { name }),
        quantity,
        apply_desktop_quantity: 10,
        product_id: productId,
        image_volumes: [{ type: 'SAS', size: 80 }],
        memory_volumes: [{ type: 'SAS', size: 100 }],
        vpc_id: 'vpc-1',
        subnet_id: 'subnet-1',
      },
    },
  ],
  extend_param: autoPay,
});

export const resizeBody = (productId = 'workspace.host.x1', newQuantity = 20): Json => ({
  type: 'createExclusiveHosts',
  resources: [{ resize_exclusive_lites: { product_id: productId, new_quantity: newQuantity } }],
  extend_param: autoPay,
});

export const sharerBody = (users: Json[] = [{ user_id: 'u-1', user_name: 'alice' }]): Json => ({
  type: 'subscribeUserSharer',
  resources: [{ ...billing, subscribe_user_sharer: { user_sharer_sku: 'workspace.usersharer.sku', users } }],
  extend_param: autoPay,
});

/** The order with auto-pay off: it waits for payment instead of being paid at once. */
export const unpaid = (body: Json): Json => patched(body, { 'extend_param.is_auto_pay': 'false' });

/** Sets (or, with `undefined`, deletes) the value at a dotted path such as `resources.0.create_desktops.size`. */
export function patched(body: Json, changes: Record<string, unknown>): Json {
  const out = structuredClone(body);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    let target = out;
    for (const k of keys.slice(0, -1)) target = target[k];
    const last = keys[keys.length - 1]!;
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return out;
}
