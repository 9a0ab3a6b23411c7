/** The read APIs: paging past one page, filters, documented limits, not-found answers and unknown paths. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { FakeClock, PROJECT, bandwidthBody, call, desktopsBody, get, hostsBody, internetBody, poolBody, pluck, postOrder, unassignedDesktopsBody, start, type Json } from './support.js';

const D = `/v2/${PROJECT}/desktops/detail`;
let sim: RunningSimulator;
let clock: FakeClock;

beforeAll(async () => {
  clock = new FakeClock();
  sim = await start({ now: clock.now });
  // 1,200 unassigned desktops in 24 orders of 50, each order a second later than the one before.
  for (let i = 0; i < 24; i++) {
    const reply = await postOrder(sim, unassignedDesktopsBody(`b${i}-`, 50));
    expect(reply.status).toBe(200);
    clock.advance(1000);
  }
  const named = await postOrder(sim, desktopsBody([{ user_name: 'alice', computer_name: 'alice-dev' }, { user_name: 'bob', computer_name: 'alice-dev2' }]));
  expect(named.status).toBe(200);
});
afterAll(() => sim.close());

describe('GET /v2/{project_id}/desktops/detail', () => {
  it('pages 1,202 desktops in a stable order by created then id', async () => {
    const seen: Json[] = [];
    const sizes: number[] = [];
    for (let offset = 0; ; offset += 500) {
      const { body } = await get(sim, `${D}?offset=${offset}&limit=500`);
      expect(body.total_count).toBe(1202);
      const list: Json[] = body.desktops;
      sizes.push(list.length);
      for (const d of list) seen.push(d);
      if (list.length < 500) break;
    }
    expect(sizes).toEqual([500, 500, 202]);
    expect(new Set(pluck(seen, 'desktop_id')).size).toBe(1202);
    const keys = seen.map((d: { created: string; desktop_id: string }) => `${d.created}|${d.desktop_id}`);
    expect(keys).toEqual([...keys].sort());
    const again = pluck((await get(sim, `${D}?offset=500&limit=500`)).body.desktops, 'desktop_id');
    expect(again).toEqual(pluck(seen.slice(500, 1000), 'desktop_id'));
  });

  it('gives 500 without a limit and nothing past the end', async () => {
    expect((await get(sim, D)).body.desktops).toHaveLength(500);
    const past = (await get(sim, `${D}?offset=5000`)).body;
    expect(past).toEqual({ desktops: [], total_count: 1202 });
  });

  it.each([
    ['limit above 500', 'limit=501', 'limit'],
    ['limit 0', 'limit=0', 'limit'],
    ['a negative offset', 'offset=-1', 'offset'],
    ['a limit that is not a number', 'limit=ten', 'limit'],
  ])('refuses %s', async (_, query, name) => {
    const reply = await get(sim, `${D}?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error_code).toBe('WKS.0001');
    expect(reply.body.error_msg).toContain(name);
  });

  it('filters by exact computer_name, user_name, status and enterprise project', async () => {
    const exact = (await get(sim, `${D}?computer_name=alice-dev`)).body;
    expect(exact.total_count).toBe(1);
    expect(exact.desktops[0].user_name).toBe('alice');
    expect((await get(sim, `${D}?user_name=bob`)).body.desktops[0].computer_name).toBe('alice-dev2');
    expect((await get(sim, `${D}?status=SHUTOFF`)).body.total_count).toBe(0);
    expect((await get(sim, `${D}?status=ACTIVE&limit=1`)).body.total_count).toBe(1202);
    expect((await get(sim, `${D}?enterprise_project_id=0&limit=1`)).body.total_count).toBe(1202);
    expect((await get(sim, `${D}?pool_id=any`)).body.total_count).toBe(0);
  });

  it('filters by repeated desktop_id keys, at most 100', async () => {
    const two = pluck((await get(sim, `${D}?limit=2`)).body.desktops, 'desktop_id') as string[];
    const reply = (await get(sim, `${D}?desktop_id=${two[0]}&desktop_id=${two[1]}`)).body;
    expect(pluck(reply.desktops, 'desktop_id')).toEqual(two);
    const many = Array.from({ length: 101 }, (_, i) => `desktop_id=id-${i}`).join('&');
    const tooMany = await get(sim, `${D}?${many}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error_msg).toContain('desktop_id');
  });

  it('shows one desktop wrapped; an unknown one is 404 with an error body', async () => {
    const first = (await get(sim, `${D}?limit=1`)).body.desktops[0];
    const one = await get(sim, `/v2/${PROJECT}/desktops/${first.desktop_id}`);
    expect(one.body).toEqual({ desktop: first });
    const unknown = await get(sim, `/v2/${PROJECT}/desktops/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error_code: 'WKS.0202' });
    expect(unknown.body.error_msg).toContain('00000000-0000-4000-8000-000000000000');
  });
});

describe('pools, bandwidths, EIPs and hosts', () => {
  beforeAll(async () => {
    for (const body of [poolBody('pool-a'), poolBody('pool-ab'), bandwidthBody('subnet-1', 'bw-1'), bandwidthBody('subnet-2', 'bw-2'), hostsBody('h', 3), internetBody(undefined, 3)]) {
      expect((await postOrder(sim, body)).status).toBe(200);
    }
  });

  it('lists pools with a fuzzy name filter, limit at most 1000', async () => {
    const all = (await get(sim, `/v2/${PROJECT}/desktop-pools`)).body;
    expect(all.total_count).toBe(2);
    const fuzzy = (await get(sim, `/v2/${PROJECT}/desktop-pools?name=pool-a`)).body;
    expect(pluck(fuzzy.desktop_pools, 'name').sort()).toEqual(['pool-a', 'pool-ab']);
    expect((await get(sim, `/v2/${PROJECT}/desktop-pools?limit=1&offset=1`)).body.desktop_pools).toHaveLength(1);
    expect((await get(sim, `/v2/${PROJECT}/desktop-pools?limit=1001`)).status).toBe(400);
  });

  it('shows a pool unwrapped; an unknown pool is 400 WKS.0001 as on the real API', async () => {
    const pool = (await get(sim, `/v2/${PROJECT}/desktop-pools?name=pool-ab`)).body.desktop_pools[0];
    expect((await get(sim, `/v2/${PROJECT}/desktop-pools/${pool.id}`)).body).toEqual(pool);
    const unknown = await get(sim, `/v2/${PROJECT}/desktop-pools/nope`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error_code).toBe('WKS.0001');
  });

  it('lists bandwidths by subnet or name, all of them without a limit', async () => {
    expect((await get(sim, `/v2/${PROJECT}/bandwidths`)).body.bandwidths).toHaveLength(2);
    expect((await get(sim, `/v2/${PROJECT}/bandwidths?bandwidth_name=bw-2`)).body.bandwidths[0].subnet_id).toBe('subnet-2');
    expect((await get(sim, `/v2/${PROJECT}/bandwidths?limit=1`)).body).toMatchObject({ total_count: 2 });
  });

  it('lists EIPs, limit at most 1000', async () => {
    const eips = (await get(sim, `/v2/${PROJECT}/eips?state=unbind`)).body;
    expect(eips.total_count).toBe(3);
    expect((await get(sim, `/v2/${PROJECT}/eips?limit=1001`)).status).toBe(400);
  });

  it('lists hosts as dedicated_hosts with total', async () => {
    const hosts = (await get(sim, `/v2/${PROJECT}/hosts?name=h-2`)).body;
    expect(hosts.total).toBe(1);
    expect(hosts.dedicated_hosts[0].name).toBe('h-2');
  });
});

describe('paths that are not there', () => {
  it.each([
    ['an unknown path', 'GET', `/v2/${PROJECT}/desktops/detail/extra`],
    ['a wrong method on a known path', 'DELETE', D],
    ['GET on the order path', 'GET', `/v2/${PROJECT}/periodic/subscribe/order`],
    ['another project id', 'GET', '/v2/another-project/desktops/detail'],
    ['the root', 'GET', '/'],
  ])('answers 404 APIGW.0101 for %s', async (_, method, path) => {
    const reply = await call(sim.url, method, path);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published' });
  });

  it('records an order for another project as rejected', async () => {
    const before = sim.simulator.orders().length;
    const reply = await call(sim.url, 'POST', '/v2/another-project/periodic/subscribe/order', desktopsBody());
    expect(reply.status).toBe(404);
    expect(sim.simulator.orders()).toHaveLength(before);
    expect(sim.simulator.requests().at(-1)).toMatchObject({ outcome: 'rejected', error_code: 'APIGW.0101' });
  });
});
