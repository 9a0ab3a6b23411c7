/** Fault injection (one-shot and by rate), throttling on an injected clock, latency, and the admin endpoint. */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/index.js';
import { FakeClock, ORDER_PATH, PROJECT, call, desktopsBody, get, patched, pay, postOrder, start, unpaid } from './support.js';

const D = `/v2/${PROJECT}/desktops/detail`;
let sim: RunningSimulator;
afterEach(() => sim.close());

async function boot(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  sim = await start(options);
  return sim;
}

/** Randomness that returns the given values in turn, then 0.99 (no fault) forever. */
function scripted(...values: number[]): () => number {
  return () => values.shift() ?? 0.99;
}

/** Sends one HTTP request on a raw socket and collects every byte until the server closes it. */
function rawRequest(port: number, method: string, path: string, body: string): Promise<{ bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      resolve({ bytes: all.length, text: all.toString('utf8') });
    });
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}

describe('one-shot faults', () => {
  it('drop-after-accept: the order is placed and persisted, and not one byte comes back', async () => {
    await boot({ faults: { next: [{ on: 'order', fault: 'drop-after-accept' }] } });
    const reply = await rawRequest(sim.port, 'POST', ORDER_PATH, JSON.stringify(desktopsBody()));
    expect(reply).toEqual({ bytes: 0, text: '' });
    const orders = sim.simulator.orders();
    expect(orders).toHaveLength(1);
    const [record] = sim.simulator.requests();
    expect(record).toMatchObject({ outcome: 'accepted', order_id: orders[0]!.order_id, dropped_after_accept: true });
    expect(record?.status).toBeUndefined();
    expect(sim.simulator.faults()).toEqual({});
    // The next order goes through normally.
    expect((await postOrder(sim, desktopsBody([{ user_name: 'bob', computer_name: 'bob-dev' }]))).status).toBe(200);
  });

  it('drop-after-accept seen through fetch: the call fails although the order exists', async () => {
    await boot({ faults: { next: [{ on: 'any', fault: 'drop-after-accept' }] } });
    await expect(postOrder(sim, desktopsBody())).rejects.toThrow();
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('drop-before-accept: the connection dies and nothing is placed', async () => {
    await boot({ faults: { next: [{ on: 'order', fault: 'drop-before-accept' }] } });
    const reply = await rawRequest(sim.port, 'POST', ORDER_PATH, JSON.stringify(desktopsBody()));
    expect(reply.bytes).toBe(0);
    expect(sim.simulator.orders()).toEqual([]);
    expect(sim.simulator.requests()[0]).toMatchObject({ outcome: 'dropped-before-accept' });
  });

  it('error-after-accept: 500 to the caller, the order placed', async () => {
    await boot({ faults: { next: [{ on: 'order', fault: 'error-after-accept' }] } });
    const reply = await postOrder(sim, desktopsBody());
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ error_code: 'APIGW.0601', error_msg: 'Internal server error.' });
    expect(sim.simulator.orders()).toHaveLength(1);
    expect(sim.simulator.requests()[0]).toMatchObject({ outcome: 'accepted', status: 500, error_after_accept: true, order_id: sim.simulator.orders()[0]!.order_id });
  });

  it('error: a 5xx of the chosen status, nothing placed', async () => {
    await boot({ faults: { next: [{ on: 'order', fault: 'error', status: 503 }, { on: 'order', fault: 'error' }] } });
    const first = await postOrder(sim, desktopsBody());
    expect(first.status).toBe(503);
    expect(first.body.error_code).toBe('APIGW.0201');
    expect((await postOrder(sim, desktopsBody())).status).toBe(500);
    expect(sim.simulator.orders()).toEqual([]);
    expect(sim.simulator.requests().map((r) => r.outcome)).toEqual(['error', 'error']);
    expect((await postOrder(sim, desktopsBody())).status).toBe(200);
  });

  it('throttle: 429 APIGW.0308 without Retry-After', async () => {
    await boot({ faults: { next: [{ on: 'read', fault: 'throttle' }] } });
    const res = await fetch(`${sim.url}${D}`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toMatchObject({ error_code: 'APIGW.0308' });
    expect((await get(sim, D)).status).toBe(200);
  });

  it('matches faults to requests by kind and consumes them in order', async () => {
    await boot({ faults: { next: [{ on: 'order', fault: 'error' }, { on: 'read', fault: 'error', status: 502 }, { on: 'any', fault: 'throttle' }] } });
    expect((await get(sim, D)).status).toBe(502); // the first read fault; the order fault waits
    expect((await postOrder(sim, desktopsBody())).status).toBe(500);
    const placed = await postOrder(sim, unpaid(desktopsBody()));
    expect(placed.status).toBe(429); // 'any' matches the order POST
    const ok = await postOrder(sim, unpaid(desktopsBody()));
    expect((await pay(sim, ok.body.order_id as string)).status).toBe(204);
  });

  it('keeps an after-accept fault queued past a rejected order', async () => {
    await boot({ faults: { next: [{ on: 'order', fault: 'error-after-accept' }] } });
    const rejected = await postOrder(sim, patched(desktopsBody(), { type: 'nope' }));
    expect(rejected.status).toBe(400);
    expect(sim.simulator.faults().next).toHaveLength(1);
    expect((await postOrder(sim, desktopsBody())).status).toBe(500);
    expect(sim.simulator.orders()).toHaveLength(1);
  });
});

describe('faults by rate, with injected randomness', () => {
  it('errorRate answers 500/502/503 without doing anything', async () => {
    // Draws: error? 0.1 → yes, status pick 0.9 → 503; then 0.99 → no fault.
    await boot({ faults: { errorRate: 0.5 }, random: scripted(0.1, 0.9) });
    expect((await postOrder(sim, desktopsBody())).status).toBe(503);
    expect(sim.simulator.orders()).toEqual([]);
    expect((await postOrder(sim, desktopsBody())).status).toBe(200);
  });

  it('throttleRate answers 429 on reads and orders alike', async () => {
    await boot({ faults: { throttleRate: 0.5 }, random: scripted(0.2, 0.7, 0.3) });
    expect((await get(sim, D)).status).toBe(429);
    expect((await get(sim, D)).status).toBe(200);
    expect((await postOrder(sim, desktopsBody())).status).toBe(429);
    expect(sim.simulator.requests()[0]).toMatchObject({ outcome: 'throttled', error_code: 'APIGW.0308' });
  });

  it('dropAfterAcceptRate and errorAfterAcceptRate apply to accepted orders only', async () => {
    await boot({ faults: { dropAfterAcceptRate: 1 }, random: () => 0 });
    expect((await get(sim, D)).status).toBe(200);
    expect((await postOrder(sim, { type: 'bad' })).status).toBe(400);
    await expect(postOrder(sim, desktopsBody())).rejects.toThrow();
    expect(sim.simulator.orders()).toHaveLength(1);
    sim.simulator.setFaults({ errorAfterAcceptRate: 1 });
    expect((await postOrder(sim, desktopsBody([{ user_name: 'b', computer_name: 'b-1' }]))).status).toBe(500);
    expect(sim.simulator.orders()).toHaveLength(2);
  });

  it('latencyMs delays every API request', async () => {
    await boot({ faults: { latencyMs: 40 } });
    const t = performance.now();
    expect((await get(sim, D)).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(35);
  });
});

describe('rate limit', () => {
  it('allows rateLimit requests per second per path group on the injected clock', async () => {
    const clock = new FakeClock();
    await boot({ rateLimit: 2, now: clock.now });
    expect((await get(sim, D)).status).toBe(200);
    expect((await get(sim, D)).status).toBe(200);
    const third = await get(sim, D);
    expect(third.status).toBe(429);
    expect(third.body.error_code).toBe('APIGW.0308');
    expect((await get(sim, `/v2/${PROJECT}/eips`)).status).toBe(200); // another group has its own bucket
    clock.advance(500); // one token back
    expect((await get(sim, D)).status).toBe(200);
    expect((await get(sim, D)).status).toBe(429);
    clock.advance(1000);
    expect((await get(sim, D)).status).toBe(200);
  });

  it('records a throttled order', async () => {
    const clock = new FakeClock();
    await boot({ rateLimit: 1, now: clock.now });
    expect((await postOrder(sim, desktopsBody())).status).toBe(200);
    expect((await postOrder(sim, desktopsBody([{ user_name: 'b', computer_name: 'b-1' }]))).status).toBe(429);
    expect(sim.simulator.requests().map((r) => r.outcome)).toEqual(['accepted', 'throttled']);
  });
});

describe('the admin endpoint', () => {
  it('shows and replaces faults, validating them', async () => {
    await boot();
    expect((await get(sim, '/_simulator/faults')).body).toEqual({});
    const put = await call(sim.url, 'PUT', '/_simulator/faults', { errorRate: 0.25, next: [{ on: 'order', fault: 'drop-after-accept' }] });
    expect(put.status).toBe(200);
    expect((await get(sim, '/_simulator/faults')).body).toEqual({ errorRate: 0.25, next: [{ on: 'order', fault: 'drop-after-accept' }] });
    const bad = await call(sim.url, 'PUT', '/_simulator/faults', { errorRate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.error_msg).toContain('errorRate');
    const unknownFault = await call(sim.url, 'PUT', '/_simulator/faults', { next: [{ on: 'order', fault: 'explode' }] });
    expect(unknownFault.status).toBe(400);
    expect(() => sim.simulator.setFaults({ throttleRate: -1 })).toThrow(/throttleRate/);
  });

  it('shows orders and requests, resets, and reports health, untouched by faults and rate limits', async () => {
    const clock = new FakeClock();
    await boot({ rateLimit: 1, now: clock.now, faults: { errorRate: 1 }, random: () => 0, credentials: { accessKey: 'AK', secretKey: 'SK' } });
    for (let i = 0; i < 3; i++) expect((await get(sim, '/_simulator/health')).body).toEqual({ status: 'ok', orders: 0 });
    sim.simulator.setFaults({});
    expect((await postOrder(sim, desktopsBody())).status).toBe(401);
    expect((await get(sim, '/_simulator/requests')).body.requests).toHaveLength(1);
    expect((await get(sim, '/_simulator/orders')).body).toEqual({ orders: [] });
    expect((await call(sim.url, 'POST', '/_simulator/reset')).status).toBe(204);
    expect((await get(sim, '/_simulator/requests')).body.requests).toEqual([]);
    expect((await get(sim, '/_simulator/nothing')).status).toBe(404);
  });

  it('lists accepted orders with their status', async () => {
    await boot();
    const placed = await postOrder(sim, desktopsBody());
    const { orders } = (await get(sim, '/_simulator/orders')).body;
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ order_id: placed.body.order_id, job_id: placed.body.job_id, type: 'createDesktops', status: 5 });
    expect(orders[0].body).toEqual(desktopsBody());
  });
});
