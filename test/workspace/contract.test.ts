/**
 * Contract tests: the real client against the real simulator, in-process, for every operation the core
 * uses — orders of every type, paging past one page, BSS status and payment, jobs — and every fault mode
 * and authentication failure as the client reports it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkspaceClient, type ClientOptions, type WorkspaceClient } from '../../src/workspace/index.js';
import { ApiError, OutcomeUnknownError } from '../../src/workspace/errors.js';
import { signRequest } from '../../src/workspace/signer.js';
import type { OrderBody } from '../../src/workspace/order-schema.js';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/index.js';
import {
  FakeClock,
  ORDER_PATH,
  PROJECT,
  addVolumesBody,
  bandwidthBody,
  desktopsBody,
  expandBody,
  hostsBody,
  internetBody,
  poolBody,
  rebuildBody,
  sharerBody,
  start,
  unpaid,
  type Json,
} from '../simulator/support.js';

const AK = 'AKCONTRACT';
const SK = 'SKCONTRACT-secret';
const open: { sims: RunningSimulator[]; clients: WorkspaceClient[] } = { sims: [], clients: [] };

afterEach(async () => {
  for (const c of open.clients.splice(0)) await c.close();
  for (const s of open.sims.splice(0)) await s.close();
});

async function setup(options: { sim?: SimulatorOptions; client?: Partial<ClientOptions> } = {}) {
  const clock = new FakeClock();
  const sim = await start({ credentials: { accessKey: AK, secretKey: SK }, now: clock.now, ...options.sim });
  open.sims.push(sim);
  const sleeps: number[] = [];
  const client = createWorkspaceClient({
    endpoint: sim.url,
    bssEndpoint: sim.url,
    projectId: PROJECT,
    auth: { kind: 'aksk', accessKey: AK, secretKey: SK },
    now: clock.now,
    // Back-offs cost no real time: the client sleeps on the simulator's clock.
    sleep: (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    timeoutMs: 5_000,
    ...options.client,
  });
  open.clients.push(client);
  return { clock, sim, client, sleeps };
}

const body = (b: Json): OrderBody => b as OrderBody;
const named = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ user_name: `${prefix}${i}`, user_group: 'sudo', computer_name: `${prefix}-${i}` }));

describe('every operation, client against simulator', () => {
  it('places a desktop order, pays it through BSS, and reads the order, its job and its desktops', async () => {
    const { client } = await setup();
    const placed = await client.placeOrder(body(unpaid(desktopsBody(named('ann', 2)))));
    expect(placed.order_id).toMatch(/^CS[0-9A-Z]+$/);
    expect(placed.job_id).toBeDefined();
    expect((await client.getCustomerOrder(placed.order_id)).status).toBe(6);
    expect(await client.listDesktops()).toEqual([]);

    const listed = await client.listCustomerOrders({ create_time_begin: '2026-03-01T00:00:00Z' });
    expect(listed.map((o) => o.order_id)).toEqual([placed.order_id]);
    expect(await client.listCustomerOrders({ create_time_begin: '2026-03-02T00:00:00Z' })).toEqual([]);

    await client.payOrder(placed.order_id);
    expect((await client.getCustomerOrder(placed.order_id)).status).toBe(5);
    const desktops = await client.listDesktops();
    expect(desktops.map((d) => d.computer_name).sort()).toEqual(['ann-0', 'ann-1']);
    expect(desktops.every((d) => d.order_id === placed.order_id && d.status === 'ACTIVE')).toBe(true);
    expect((await client.listDesktops({ computer_name: 'ann-1' })).map((d) => d.computer_name)).toEqual(['ann-1']);
    expect((await client.getJob(placed.job_id!)).status).toBe('SUCCESS');
    // Paying twice is refused by BSS, and the client says so.
    await expect(client.payOrder(placed.order_id)).rejects.toBeInstanceOf(ApiError);
  });

  it('pages past one page: 1,500 desktops in pages of 500 come back complete and without repeats', async () => {
    const { client } = await setup();
    for (let batch = 0; batch < 30; batch++) await client.placeOrder(body(desktopsBody(named(`b${batch}x`, 50))));
    const desktops = await client.listDesktops();
    expect(desktops).toHaveLength(1_500);
    expect(new Set(desktops.map((d) => d.desktop_id)).size).toBe(1_500);
    const orders = await client.listCustomerOrders({ create_time_begin: '2026-03-01T00:00:00Z' });
    expect(orders).toHaveLength(30);
  });

  it('adds volumes and rebuilds a desktop, creates and expands a pool, and reads them back', async () => {
    const { client } = await setup();
    await client.placeOrder(body(desktopsBody()));
    const [desktop] = await client.listDesktops();
    await client.placeOrder(body(addVolumesBody(desktop!.desktop_id, [{ type: 'SSD', size: 60 }])));
    await client.placeOrder(body(rebuildBody([desktop!.desktop_id], 'a2d5a4d0-0000-4000-8000-00000000000b')));
    const [after] = await client.listDesktops({ desktop_id: [desktop!.desktop_id] });
    expect(after!.data_volumes?.map((v) => [v.type, v.size])).toContainEqual(['SSD', 60]);
    expect(after!.metadata?.['metering.image_id']).toBe('a2d5a4d0-0000-4000-8000-00000000000b');

    await client.placeOrder(body(poolBody('pool-c', 2)));
    const [pool] = await client.listDesktopPools({ name: 'pool-c' });
    expect(pool).toMatchObject({ name: 'pool-c', desktop_count: 2 });
    await client.placeOrder(body(expandBody(pool!.id, 3)));
    expect((await client.getDesktopPool(pool!.id)).desktop_count).toBe(5);
    await expect(client.getDesktopPool('no-such-pool')).rejects.toMatchObject({ status: 400, errorCode: 'WKS.0001' });
  });

  it('orders internet access, bandwidth, exclusive hosts and collaboration, and reads what has a read API', async () => {
    const { client } = await setup();
    await client.placeOrder(body(desktopsBody()));
    const [desktop] = await client.listDesktops();
    await client.placeOrder(body(internetBody([desktop!.desktop_id])));
    expect((await client.listEips({ desktop_id: desktop!.desktop_id })).map((e) => e.attached_desktop_id)).toEqual([desktop!.desktop_id]);
    await client.placeOrder(body(bandwidthBody('subnet-9', 'office-9')));
    expect((await client.listSubnetBandwidths({ subnet_id: 'subnet-9' })).map((b) => b.bandwidth_name)).toEqual(['office-9']);
    await client.placeOrder(body(hostsBody('host-c', 2)));
    expect((await client.listExclusiveHosts()).map((h) => h.name).sort()).toEqual(['host-c-1', 'host-c-2']);
    const sharer = await client.placeOrder(body(sharerBody()));
    expect((await client.getCustomerOrder(sharer.order_id)).status).toBe(5);
  });

  it('turns a 400 into an ApiError that names the field and the rule', async () => {
    const { client, sim } = await setup();
    const bad = desktopsBody();
    bad.resources[0].create_desktops.root_volume.size = 85;
    const error = await client.placeOrder(body(bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, errorCode: 'WKS.0001' });
    expect((error as ApiError).message).toContain('resources[0].create_desktops.root_volume.size');
    expect((error as ApiError).message).toContain('root-volume-size');
    expect(sim.simulator.orders()).toEqual([]);
  });
});

describe('fault modes as the client reports them', () => {
  it('accepted, then the connection dropped: outcome unknown, exactly one request, and the order exists', async () => {
    const { client, sim } = await setup({ sim: { faults: { next: [{ on: 'order', fault: 'drop-after-accept' }] } } });
    await expect(client.placeOrder(body(desktopsBody()))).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(sim.simulator.requests()).toHaveLength(1);
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('accepted, then a 500: outcome unknown, never retried', async () => {
    const { client, sim } = await setup({ sim: { faults: { next: [{ on: 'order', fault: 'error-after-accept' }] } } });
    await expect(client.placeOrder(body(desktopsBody()))).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(sim.simulator.requests()).toHaveLength(1);
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('a 5xx before accepting looks the same to the client: outcome unknown, not retried, nothing placed', async () => {
    const { client, sim } = await setup({ sim: { faults: { next: [{ on: 'order', fault: 'error', status: 503 }] } } });
    await expect(client.placeOrder(body(desktopsBody()))).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(sim.simulator.requests()).toHaveLength(1);
    expect(sim.simulator.orders()).toEqual([]);
  });

  it('a throttled order is sent again after a back-off and placed once', async () => {
    const { client, sim, sleeps } = await setup({ sim: { faults: { next: [{ on: 'order', fault: 'throttle' }] } } });
    const placed = await client.placeOrder(body(desktopsBody()));
    expect(sim.simulator.orders().map((o) => o.order_id)).toEqual([placed.order_id]);
    expect(sim.simulator.requests().map((r) => r.outcome)).toEqual(['throttled', 'accepted']);
    expect(sleeps.some((ms) => ms >= 2_000)).toBe(true);
  });

  it('reads are retried through 5xx, throttling and dropped connections', async () => {
    const { client, sleeps } = await setup({
      sim: { faults: { next: [{ on: 'read', fault: 'error', status: 502 }, { on: 'read', fault: 'throttle' }, { on: 'read', fault: 'drop-before-accept' }] } },
    });
    expect(await client.listDesktops()).toEqual([]);
    expect(sleeps).toHaveLength(3);
  });

  it('with a rate limit, reads back off until the simulator lets them through', async () => {
    const { client, sleeps } = await setup({ sim: { rateLimit: 1 } });
    const results = await Promise.all([client.listDesktops(), client.listDesktops(), client.listDesktops()]);
    expect(results).toEqual([[], [], []]);
    expect(sleeps.length).toBeGreaterThan(0);
  });

  it('latency longer than the client timeout on an order: outcome unknown after one request', async () => {
    const { client, sim } = await setup({ sim: { faults: { latencyMs: 400 } }, client: { timeoutMs: 100 } });
    await expect(client.placeOrder(body(desktopsBody()))).rejects.toBeInstanceOf(OutcomeUnknownError);
    // The simulator handles the request once its (real-time) latency has passed; wait for that, bounded.
    await vi.waitFor(() => expect(sim.simulator.requests().length).toBeGreaterThan(0), { timeout: 5_000, interval: 20 });
    expect(sim.simulator.requests()).toHaveLength(1);
    expect(sim.simulator.orders()).toHaveLength(1);
  });
});

describe('authentication', () => {
  it('rejects a client with the wrong secret key (401 APIGW.0301), and the secret is in no message', async () => {
    const { sim, clock } = await setup();
    const wrong = createWorkspaceClient({ endpoint: sim.url, bssEndpoint: sim.url, projectId: PROJECT, auth: { kind: 'aksk', accessKey: AK, secretKey: 'not-the-secret' }, now: clock.now, retry: { maxAttempts: 1 } });
    open.clients.push(wrong);
    const error = await wrong.listDesktops().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, errorCode: 'APIGW.0301' });
    expect(String((error as Error).message)).not.toContain('not-the-secret');
  });

  it('rejects a client whose clock is 20 minutes off (401 APIGW.0303)', async () => {
    const { sim, clock } = await setup();
    const skewed = createWorkspaceClient({ endpoint: sim.url, bssEndpoint: sim.url, projectId: PROJECT, auth: { kind: 'aksk', accessKey: AK, secretKey: SK }, now: () => new Date(clock.ms - 20 * 60_000), retry: { maxAttempts: 1 } });
    open.clients.push(skewed);
    await expect(skewed.listDesktops()).rejects.toMatchObject({ status: 401, errorCode: 'APIGW.0303' });
  });

  it('rejects a correctly signed order whose body was tampered with on the way, and places nothing', async () => {
    const { sim, clock } = await setup();
    const sent = JSON.stringify(desktopsBody());
    const url = `${sim.url}${ORDER_PATH}`;
    const headers = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT }, body: sent }, { accessKey: AK, secretKey: SK }, clock.now());
    const ok = await fetch(url, { method: 'POST', headers, body: sent });
    expect(ok.status).toBe(200);
    const tampered = sent.replace('"size":80', '"size":90');
    const res = await fetch(url, { method: 'POST', headers, body: tampered });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('APIGW.0301');
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('accepts X-Auth-Token from a token client', async () => {
    const { sim } = await setup({ sim: { credentials: undefined, authToken: 'token-contract' } });
    const tokenClient = createWorkspaceClient({ endpoint: sim.url, bssEndpoint: sim.url, projectId: PROJECT, auth: { kind: 'token', token: 'token-contract' } });
    open.clients.push(tokenClient);
    expect(await tokenClient.listDesktops()).toEqual([]);
  });
});
