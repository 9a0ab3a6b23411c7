/** Billing and provisioning on an injected clock: pending payment → paid → provisioned, and what each order type makes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { COMPUTER_NAME_PATTERN } from '../../src/workspace/order-schema.js';
import {
  FakeClock,
  PROJECT,
  addVolumesBody,
  bandwidthBody,
  call,
  desktopsBody,
  expandBody,
  get,
  hostsBody,
  internetBody,
  patched,
  pay,
  place,
  pluck,
  poolBody,
  rebuildBody,
  resizeBody,
  sharerBody,
  start,
  unassignedDesktopsBody,
  unpaid,
  type Json,
} from './support.js';

const DELAY = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let clock: FakeClock;
let sim: RunningSimulator;
beforeEach(async () => {
  clock = new FakeClock();
  sim = await start({ now: clock.now, provisionDelayMs: DELAY });
});
afterEach(() => sim.close());

/** Places with auto-pay and lets the provisioning delay pass. */
async function provisioned(body: Json): Promise<string> {
  const { order_id } = await place(sim, body);
  clock.advance(DELAY);
  return order_id;
}

const desktops = async (query = ''): Promise<Json[]> => (await get(sim, `/v2/${PROJECT}/desktops/detail${query}`)).body.desktops as Json[];
const bssStatus = async (orderId: string): Promise<number> => (await get(sim, `/v2/orders/customer-orders/details/${orderId}`)).body.order_info.status as number;
const job = async (jobId: string): Promise<Json> => (await get(sim, `/v2/${PROJECT}/workspace-jobs/${jobId}`)).body;

describe('billing and provisioning', () => {
  it('answers an order id like the real ones and a job id', async () => {
    const a = await place(sim, desktopsBody());
    const b = await place(sim, desktopsBody([{ user_name: 'bob', computer_name: 'bob-dev' }]));
    expect(a.order_id).toMatch(/^CS\d{10}[0-9A-Z]{5}$/);
    expect(a.order_id.slice(2, 12)).toBe('2603010800');
    expect(a.order_id).not.toBe(b.order_id);
    expect(a.job_id).toMatch(UUID);
  });

  it('shows nothing while payment is pending, then provisions provisionDelayMs after payment', async () => {
    const { order_id, job_id } = await place(sim, unpaid(desktopsBody()));
    clock.advance(10 * DELAY);
    expect(await desktops()).toEqual([]);
    expect(await bssStatus(order_id)).toBe(6);
    expect((await job(job_id)).status).toBe('WAITING');

    const paid = await pay(sim, order_id);
    expect(paid.status).toBe(204);
    expect(paid.body).toBeUndefined();
    expect(await bssStatus(order_id)).toBe(3);
    expect((await job(job_id)).status).toBe('RUNNING');

    clock.advance(DELAY - 1);
    expect(await desktops()).toEqual([]);
    clock.advance(1);
    expect(pluck(await desktops(), 'computer_name')).toEqual(['alice-dev']);
    expect(await bssStatus(order_id)).toBe(5);
    const done = await job(job_id);
    expect(done).toMatchObject({ id: job_id, job_type: 'createDesktops', status: 'SUCCESS', sub_jobs_total: 1 });
    expect(Date.parse(done.end_time as string) - Date.parse(done.begin_time as string)).toBe(DELAY);

    const [order] = sim.simulator.orders();
    expect(order).toMatchObject({ order_id, job_id, type: 'createDesktops', status: 5 });
    expect(Date.parse(order!.provisioned_at!) - Date.parse(order!.paid_at!)).toBe(DELAY);
  });

  it('pays at once with extend_param.is_auto_pay "true"', async () => {
    const { order_id } = await place(sim, desktopsBody());
    expect(await bssStatus(order_id)).toBe(3);
    clock.advance(DELAY);
    expect(await bssStatus(order_id)).toBe(5);
  });

  it('refuses to pay twice, an unknown order, and a malformed payment', async () => {
    const { order_id } = await place(sim, desktopsBody());
    const again = await pay(sim, order_id);
    expect(again.status).toBe(400);
    expect(again.body.error_code).toBe('CBC.SIM.2001');
    expect(again.body.error_msg).toContain('not pending payment');
    const unknown = await pay(sim, 'CS0000000000NONE0');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('CBC.SIM.2002');
    const bad = await call(sim.url, 'POST', '/v3/orders/customer-orders/pay', { order_id, use_coupon: 'MAYBE', use_discount: 'NO' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('CBC.0100');
    expect(bad.body.error_msg).toContain('use_coupon');
    const missing = await call(sim.url, 'POST', '/v3/orders/customer-orders/pay', { order_id });
    expect(missing.body.error_msg).toContain('use_coupon: use_coupon is required');
  });

  it('provisions in payment order', async () => {
    const first = await place(sim, unpaid(desktopsBody([{ user_name: 'a', computer_name: 'first' }])));
    const second = await place(sim, unpaid(desktopsBody([{ user_name: 'b', computer_name: 'second' }])));
    await pay(sim, second.order_id);
    clock.advance(1000);
    await pay(sim, first.order_id);
    clock.advance(DELAY);
    expect(pluck(await desktops(), 'computer_name')).toEqual(['second', 'first']);
  });
});

describe('what each order type makes', () => {
  it('createDesktops with users: one desktop per entry, with the detail fields the reconciler reads', async () => {
    const orderId = await provisioned(desktopsBody([{ user_name: 'alice', user_group: 'sudo', computer_name: 'alice-dev' }, { user_name: 'bob' }]));
    const [alice] = await desktops('?user_name=alice');
    const [bob] = await desktops('?user_name=bob');
    expect(alice).toMatchObject({
      computer_name: 'alice-dev',
      status: 'ACTIVE',
      desktop_type: 'DEDICATED',
      product_id: 'workspace.k.xlarge2.uosv20pro',
      product: { product_id: 'workspace.k.xlarge2.uosv20pro' },
      metadata: { 'metering.image_id': 'e1d65e11-861c-459d-a3a8-ab150d79befc', charging_mode: '1' },
      root_volume: { type: 'SAS', size: 80, device: '/dev/vda' },
      data_volumes: [{ type: 'SAS', size: 100, device: '/dev/vdb' }],
      user_name: 'alice',
      user_list: ['alice'],
      user_group: 'sudo',
      attach_user_infos: [{ type: 'USER', user_name: 'alice', user_group: 'sudo' }],
      availability_zone: 'cn-north-4a',
      subnet_id: '197c1aa4-2611-48bd-a3af-ac4ce2c17c4c',
      security_groups: [{ id: '5b8a1c3e-0000-4000-8000-000000000001' }],
      tags: [{ key: 'team', value: 'platform' }],
      order_id: orderId,
      enterprise_project_id: '0',
      created: new Date(clock.ms).toISOString(),
    });
    expect(alice.desktop_id).toMatch(UUID);
    expect(alice.root_volume.id).toMatch(UUID);
    expect(alice.root_volume.volume_id).toMatch(UUID);
    expect(bob.computer_name).toMatch(new RegExp(COMPUTER_NAME_PATTERN));
  });

  it('createDesktops with size: desktop_name, or desktop_name with a two-digit index', async () => {
    await provisioned(unassignedDesktopsBody('kiosk', 1));
    await provisioned(unassignedDesktopsBody('lab', 3));
    const all = await desktops();
    expect(pluck(all, 'computer_name')).toEqual(expect.arrayContaining(['kiosk', 'lab01', 'lab02', 'lab03']));
    expect(all.find((d) => d.computer_name === 'lab01')).toMatchObject({ user_name: '', user_list: [], attach_user_infos: [] });
  });

  it('addVolumes appends data volumes with the next devices', async () => {
    await provisioned(desktopsBody());
    const id = (await desktops())[0].desktop_id as string;
    await provisioned(addVolumesBody(id, [{ type: 'SSD', size: 200 }, { type: 'SAS', size: 30 }]));
    const d = (await get(sim, `/v2/${PROJECT}/desktops/${id}`)).body.desktop;
    expect(d.data_volumes).toMatchObject([
      { type: 'SAS', size: 100, device: '/dev/vdb' },
      { type: 'SSD', size: 200, device: '/dev/vdc' },
      { type: 'SAS', size: 30, device: '/dev/vdd' },
    ]);
  });

  it('rebuildDesktops sets the image', async () => {
    await provisioned(desktopsBody());
    const id = (await desktops())[0].desktop_id as string;
    const { order_id } = await place(sim, rebuildBody([id], 'new-image'));
    expect((await desktops())[0].metadata['metering.image_id']).toBe('e1d65e11-861c-459d-a3a8-ab150d79befc');
    clock.advance(DELAY);
    expect((await desktops())[0].metadata['metering.image_id']).toBe('new-image');
    const info = (await get(sim, `/v2/orders/customer-orders/details/${order_id}`)).body.order_info;
    expect(info.order_type).toBe(3);
  });

  it('createDesktopPool and expandDesktopPool', async () => {
    const orderId = await provisioned(poolBody('pool-a', 2));
    const list = (await get(sim, `/v2/${PROJECT}/desktop-pools`)).body;
    expect(list.total_count).toBe(1);
    const pool = list.desktop_pools[0];
    expect(pool).toMatchObject({
      name: 'pool-a',
      type: 'DYNAMIC',
      desktop_count: 2,
      product: { product_id: 'workspace.x86.ultimate.large2' },
      image_id: 'img-pool',
      root_volume: { type: 'SAS', size: 80 },
      data_volumes: [{ type: 'SSD', size: 50 }],
      subnet_ids: ['subnet-1'],
      vpc_id: 'vpc-1',
      status: 'STEADY',
      charging_mode: 0,
      tags: [{ key: 'tier', value: 'prod' }],
      order_id: orderId,
    });
    expect(pool.created_time).toBe(new Date(clock.ms).toISOString());
    await provisioned(expandBody(pool.id as string, 5));
    expect((await get(sim, `/v2/${PROJECT}/desktop-pools/${pool.id}`)).body.desktop_count).toBe(7);
  });

  it('ApplySubnetBandwidth', async () => {
    const orderId = await provisioned(bandwidthBody('subnet-9', 'office-bw'));
    const { bandwidths, total_count } = (await get(sim, `/v2/${PROJECT}/bandwidths?subnet_id=subnet-9`)).body;
    expect(total_count).toBe(1);
    expect(bandwidths[0]).toMatchObject({ bandwidth_name: 'office-bw', charge_mode: 'wks_bandwidth', size: 20, subnet_id: 'subnet-9', order_id: orderId, status: 'ACTIVE' });
    expect(bandwidths[0].bandwidth_id).toMatch(UUID);
  });

  it('applyDesktopsInternet: one EIP per desktop, or count unattached ones', async () => {
    await provisioned(desktopsBody());
    const d = (await desktops())[0];
    await provisioned(internetBody([d.desktop_id as string]));
    await provisioned(internetBody(undefined, 2));
    const all = (await get(sim, `/v2/${PROJECT}/eips`)).body;
    expect(all.total_count).toBe(3);
    const attached = (await get(sim, `/v2/${PROJECT}/eips?desktop_id=${d.desktop_id}`)).body.eips;
    expect(attached).toHaveLength(1);
    expect(attached[0]).toMatchObject({ attached_desktop_id: d.desktop_id, attached_desktop_name: 'alice-dev', bandwidth_size: 10, eip_charge_mode: 'BANDWIDTH' });
    for (const e of all.eips) expect(e.address).toMatch(/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+$/);
    expect(new Set(pluck(all.eips, 'address')).size).toBe(3);
    expect((await desktops())[0].internet_mode).toBe('EIP');
  });

  it('createExclusiveHosts, and resize_exclusive_lites on the hosts of a product', async () => {
    const orderId = await provisioned(hostsBody('edge', 2, 'workspace.host.x1'));
    await provisioned(hostsBody(undefined, 1, 'workspace.host.x2'));
    const { dedicated_hosts, total } = (await get(sim, `/v2/${PROJECT}/hosts`)).body;
    expect(total).toBe(3);
    expect(dedicated_hosts[0]).toMatchObject({ name: 'edge-1', product_id: 'workspace.host.x1', order_id: orderId, state: 'available', availability_zone: 'cn-north-4a', desktop_quantity: 10 });
    expect(dedicated_hosts[0].dedicated_host_id).toMatch(UUID);
    const { order_id } = await place(sim, resizeBody('workspace.host.x1', 40));
    clock.advance(DELAY);
    const after = (await get(sim, `/v2/${PROJECT}/hosts`)).body.dedicated_hosts as Json[];
    expect(pluck(after, 'desktop_quantity')).toEqual([40, 40, 10]);
    expect((await get(sim, `/v2/orders/customer-orders/details/${order_id}`)).body.order_info.order_type).toBe(3);
  });

  it('a resize nested in createExclusiveHosts sets the new hosts’ desktop quantity', async () => {
    await provisioned(patched(hostsBody('solo'), { 'resources.0.create_exclusive_hosts.resize_exclusive_lites': { product_id: 'workspace.host.x1', new_quantity: 33 } }));
    expect((await get(sim, `/v2/${PROJECT}/hosts?name=solo`)).body.dedicated_hosts[0].desktop_quantity).toBe(33);
  });

  it('subscribeUserSharer records users on the admin endpoint', async () => {
    const orderId = await provisioned(sharerBody([{ user_id: 'u-1', user_name: 'alice' }]));
    const reply = await get(sim, '/_simulator/user-sharers');
    expect(reply.body.user_sharers).toEqual([
      { user_id: 'u-1', user_name: 'alice', user_sharer_sku: 'workspace.usersharer.sku', order_id: orderId, subscribed_at: new Date(clock.ms).toISOString() },
    ]);
  });
});

describe('BSS customer orders', () => {
  it('lists orders with filters, newest first, ten to a page unless asked', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push((await place(sim, unpaid(desktopsBody([{ user_name: `u${i}`, computer_name: `pc-${i}` }])))).order_id);
      clock.advance(1000);
    }
    await pay(sim, ids[0]!);
    const page1 = (await get(sim, '/v2/orders/customer-orders')).body;
    expect(page1.total_count).toBe(12);
    expect(page1.order_infos).toHaveLength(10);
    expect(page1.order_infos[0].order_id).toBe(ids[11]);
    expect(page1.order_infos[0]).toMatchObject({ status: 6, order_type: 1, service_type_code: 'hws.service.type.workspace', create_time: '2026-03-01T08:00:11Z' });
    const page2 = (await get(sim, '/v2/orders/customer-orders?offset=10&limit=10')).body;
    expect(pluck(page2.order_infos, 'order_id')).toEqual([ids[1], ids[0]]);

    const since = (await get(sim, '/v2/orders/customer-orders?create_time_begin=2026-03-01T08:00:05Z&create_time_end=2026-03-01T08:00:06Z')).body;
    expect(pluck(since.order_infos, 'order_id')).toEqual([ids[6], ids[5]]);
    const paid = (await get(sim, '/v2/orders/customer-orders?status=3')).body;
    expect(pluck(paid.order_infos, 'order_id')).toEqual([ids[0]]);
    expect(paid.order_infos[0].payment_time).toBe('2026-03-01T08:00:12Z');
    const one = (await get(sim, `/v2/orders/customer-orders?order_id=${ids[3]}`)).body;
    expect(one.total_count).toBe(1);
  });

  it('refuses a limit above 100 and a malformed time', async () => {
    const big = await get(sim, '/v2/orders/customer-orders?limit=101');
    expect(big.status).toBe(400);
    expect(big.body.error_code).toBe('CBC.0100');
    expect(big.body.error_msg).toContain('limit');
    const time = await get(sim, '/v2/orders/customer-orders?create_time_begin=2026-03-01T08:00:05.000Z');
    expect(time.status).toBe(400);
    expect(time.body.error_msg).toContain('create_time_begin');
  });

  it('shows an order with its line items; an unknown one is 404', async () => {
    const { order_id } = await place(sim, desktopsBody());
    const detail = (await get(sim, `/v2/orders/customer-orders/details/${order_id}`)).body;
    expect(detail.order_info).toMatchObject({ order_id, status: 3, order_type: 1 });
    expect(detail.total_count).toBe(1);
    expect(detail.order_line_items[0]).toMatchObject({ resource_type_code: 'create_desktops', period_type: 2, period_num: 1 });
    const unknown = await get(sim, '/v2/orders/customer-orders/details/CS0000000000NONE0');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('CBC.SIM.2002');
  });

  it('marks change orders with order_type 3', async () => {
    await provisioned(desktopsBody());
    const id = (await desktops())[0].desktop_id as string;
    await place(sim, addVolumesBody(id));
    await provisioned(poolBody());
    await place(sim, expandBody(sim.simulator.pools()[0]!.id));
    const types = pluck((await get(sim, '/v2/orders/customer-orders')).body.order_infos, 'order_type');
    expect(types).toEqual([3, 1, 3, 1]);
  });

  it('answers 404 for an unknown job', async () => {
    const reply = await get(sim, `/v2/${PROJECT}/workspace-jobs/00000000-0000-4000-8000-000000000000`);
    expect(reply.status).toBe(404);
    expect(reply.body.error_code).toBe('WKS.0202');
  });
});
