/** Rules that depend on what exists or was already ordered, each a 400 with its own code naming the field. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import {
  addVolumesBody,
  bandwidthBody,
  desktopsBody,
  expandBody,
  hostsBody,
  internetBody,
  place,
  poolBody,
  postOrder,
  rebuildBody,
  resizeBody,
  sharerBody,
  start,
  unassignedDesktopsBody,
  unpaid,
  type Reply,
} from './support.js';

let sim: RunningSimulator;
beforeEach(async () => {
  sim = await start();
});
afterEach(() => sim.close());

function expectConflict(reply: Reply, code: string, path: string, rule: string): void {
  expect(reply.status).toBe(400);
  expect(reply.body.error_code).toBe(code);
  expect(reply.body.error_msg).toContain(`${path}: `);
  expect(reply.body.error_msg).toContain(`(rule ${rule}`);
}

async function desktopId(name = 'alice-dev'): Promise<string> {
  await place(sim, desktopsBody([{ user_name: 'alice', computer_name: name }]));
  const d = sim.simulator.desktops().find((x) => x.computer_name === name);
  return d!.desktop_id;
}

describe('names and owners already taken', () => {
  it('refuses a computer_name an existing desktop has, whatever the case', async () => {
    await desktopId('alice-dev');
    const reply = await postOrder(sim, desktopsBody([{ user_name: 'bob', computer_name: 'ALICE-DEV' }]));
    expectConflict(reply, 'WKS.SIM.1001', 'resources[0].create_desktops.desktops[0].computer_name', 'computer-name-in-use');
  });

  it('refuses a computer_name ordered but not yet paid', async () => {
    await place(sim, unpaid(desktopsBody([{ user_name: 'alice', computer_name: 'pending-1' }])));
    expect(sim.simulator.desktops()).toEqual([]);
    const reply = await postOrder(sim, desktopsBody([{ user_name: 'bob', computer_name: 'pending-1' }]));
    expectConflict(reply, 'WKS.SIM.1001', 'resources[0].create_desktops.desktops[0].computer_name', 'computer-name-in-use');
  });

  it('refuses unassigned desktops whose generated names clash', async () => {
    await place(sim, unassignedDesktopsBody('lab', 3));
    const reply = await postOrder(sim, desktopsBody([{ user_name: 'bob', computer_name: 'lab02' }]));
    expectConflict(reply, 'WKS.SIM.1001', 'resources[0].create_desktops.desktops[0].computer_name', 'computer-name-in-use');
    expectConflict(await postOrder(sim, unassignedDesktopsBody('lab01', 1)), 'WKS.SIM.1001', 'resources[0].create_desktops.desktop_name', 'computer-name-in-use');
  });

  it('refuses a pool name already used', async () => {
    await place(sim, poolBody('pool-a'));
    expectConflict(await postOrder(sim, poolBody('pool-a')), 'WKS.SIM.1004', 'resources[0].create_desktop_pool.name', 'pool-name-in-use');
  });

  it('refuses a second Workspace bandwidth on a subnet', async () => {
    await place(sim, bandwidthBody('subnet-1', 'bw-one'));
    expectConflict(await postOrder(sim, bandwidthBody('subnet-1', 'bw-two')), 'WKS.SIM.1007', 'resources[0].apply_subnet_bandwidth.subnet_id', 'subnet-bandwidth-exists');
  });

  it('refuses a host name already used, including the numbered names of a batch', async () => {
    await place(sim, hostsBody('hosts', 3));
    expect(sim.simulator.hosts().map((h) => h.name).sort()).toEqual(['hosts-1', 'hosts-2', 'hosts-3']);
    expectConflict(await postOrder(sim, hostsBody('hosts', 2)), 'WKS.SIM.1008', 'resources[0].create_exclusive_hosts.name', 'host-name-in-use');
  });

  it('refuses a user already subscribed to collaboration', async () => {
    await place(sim, sharerBody([{ user_id: 'u-1', user_name: 'alice' }]));
    const reply = await postOrder(sim, sharerBody([{ user_id: 'u-2', user_name: 'bob' }, { user_id: 'u-1', user_name: 'alice' }]));
    expectConflict(reply, 'WKS.SIM.1009', 'resources[0].subscribe_user_sharer.users[1].user_id', 'user-sharer-exists');
  });

  it('refuses an EIP for a desktop that has one', async () => {
    const id = await desktopId();
    await place(sim, internetBody([id]));
    expectConflict(await postOrder(sim, internetBody([id])), 'WKS.SIM.1006', 'resources[0].apply_desktops_internet.desktop_ids[0]', 'desktop-eip-exists');
  });

  it('refuses the same desktop twice in one EIP order', async () => {
    const id = await desktopId();
    expectConflict(await postOrder(sim, internetBody([id, id])), 'WKS.0001', 'resources[0].apply_desktops_internet.desktop_ids[1]', 'desktop-id-unique');
  });
});

describe('things that must exist', () => {
  it.each([
    ['addVolumes', addVolumesBody('no-such-desktop'), 'resources[0].add_volumes.desktop_id'],
    ['rebuildDesktops', rebuildBody(['no-such-desktop']), 'resources[0].rebuild_desktops.desktop_ids[0]'],
    ['applyDesktopsInternet', internetBody(['no-such-desktop']), 'resources[0].apply_desktops_internet.desktop_ids[0]'],
  ])('refuses %s for an unknown desktop', async (_, body, path) => {
    expectConflict(await postOrder(sim, body), 'WKS.SIM.1002', path, 'desktop-exists');
  });

  it('refuses an order for a desktop ordered but not yet provisioned', async () => {
    await place(sim, unpaid(desktopsBody()));
    const [order] = sim.simulator.orders();
    expect(order?.status).toBe(6);
    expectConflict(await postOrder(sim, addVolumesBody('x')), 'WKS.SIM.1002', 'resources[0].add_volumes.desktop_id', 'desktop-exists');
  });

  it('refuses to expand an unknown pool', async () => {
    expectConflict(await postOrder(sim, expandBody('no-such-pool')), 'WKS.SIM.1005', 'resources[0].expand_desktop_pool.pool_id', 'pool-exists');
  });

  it('refuses to resize exclusive hosts of a product nobody has', async () => {
    expectConflict(await postOrder(sim, resizeBody('workspace.host.none')), 'WKS.SIM.1010', 'resources[0].resize_exclusive_lites.product_id', 'exclusive-host-exists');
  });
});

describe('data volumes per desktop', () => {
  it('refuses more than 10 data volumes counting those the desktop has and has ordered', async () => {
    const id = await desktopId(); // one data volume
    const four = Array.from({ length: 4 }, () => ({ type: 'SAS', size: 10 }));
    await place(sim, addVolumesBody(id, four)); // 5, provisioned at once
    await place(sim, unpaid(addVolumesBody(id, four))); // 9, ordered only
    const reply = await postOrder(sim, addVolumesBody(id, [{ type: 'SAS', size: 10 }, { type: 'SAS', size: 10 }]));
    expectConflict(reply, 'WKS.SIM.1003', 'resources[0].add_volumes.volumes', 'data-volume-count');
    expect(reply.body.error_msg).toContain('makes 11');
    expect((await postOrder(sim, addVolumesBody(id, [{ type: 'SAS', size: 10 }]))).status).toBe(200);
  });
});

describe('duplicates the real API would place', () => {
  it('accepts an identical second order: there is no idempotency key', async () => {
    const id = await desktopId();
    const first = (await place(sim, addVolumesBody(id))).order_id;
    const second = (await place(sim, addVolumesBody(id))).order_id;
    expect(second).not.toBe(first);
    expect(sim.simulator.orders().filter((o) => o.type === 'addVolumes')).toHaveLength(2);
    expect(sim.simulator.desktops()[0]?.data_volumes).toHaveLength(3);
  });

  it('accepts the same rebuild and the same pool expansion twice', async () => {
    const id = await desktopId();
    await place(sim, rebuildBody([id]));
    await place(sim, rebuildBody([id]));
    await place(sim, poolBody('pool-b'));
    const pool = sim.simulator.pools()[0]!;
    await place(sim, expandBody(pool.id, 3));
    await place(sim, expandBody(pool.id, 3));
    expect(sim.simulator.pools()[0]?.desktop_count).toBe(8);
  });

  it('places nothing for a refused order', async () => {
    await place(sim, poolBody('pool-a'));
    await postOrder(sim, poolBody('pool-a'));
    expect(sim.simulator.orders()).toHaveLength(1);
    expect(sim.simulator.requests().map((r) => r.outcome)).toEqual(['accepted', 'rejected']);
    expect(sim.simulator.requests()[1]?.error_code).toBe('WKS.SIM.1004');
  });
});
