/** AK/SK signatures verified over the exact bytes, the clock-skew window, and token authentication. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { queryString, sdkDate, signRequest, type Query } from '../../src/workspace/signer.js';
import { FakeClock, ORDER_PATH, PROJECT, call, desktopsBody, get, start, type Reply } from './support.js';

const KEYS = { accessKey: 'AKEXAMPLE', secretKey: 'SKEXAMPLE' };
const D = `/v2/${PROJECT}/desktops/detail`;
let sim: RunningSimulator;
let clock: FakeClock;
afterEach(() => sim.close());

interface Signed {
  method: string;
  path: string;
  query?: Query;
  body?: string;
  keys?: typeof KEYS;
  signedAt?: Date;
}

/** Signs like the client: content-type, X-Project-Id and X-Sdk-Date signed, the body's exact bytes hashed. */
function signedHeaders(s: Signed): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'X-Project-Id': PROJECT };
  return signRequest({ method: s.method, url: `${sim.url}${s.path}`, query: s.query, headers, body: s.body }, s.keys ?? KEYS, s.signedAt ?? clock.now());
}

async function send(s: Signed, override: { body?: string; query?: Query; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers = { ...signedHeaders(s), ...override.headers };
  const body = override.body ?? s.body;
  return call(sim.url, s.method, `${s.path}${queryString(override.query ?? s.query)}`, body, headers);
}

async function boot(options: { credentials?: typeof KEYS; authToken?: string } = { credentials: KEYS }): Promise<void> {
  clock = new FakeClock();
  sim = await start({ ...options, now: clock.now });
}

describe('SDK-HMAC-SHA256', () => {
  it('accepts a signed read with repeated query keys and a signed order', async () => {
    await boot();
    const read = await send({ method: 'GET', path: D, query: { limit: 10, desktop_id: ['b', 'a'] } });
    expect(read.status).toBe(200);
    const order = await send({ method: 'POST', path: ORDER_PATH, body: JSON.stringify(desktopsBody()) });
    expect(order.status).toBe(200);
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('accepts a signed BSS request', async () => {
    await boot();
    expect((await send({ method: 'GET', path: '/v2/orders/customer-orders', query: { limit: 5 } })).status).toBe(200);
  });

  it.each([
    ['no Authorization header', async () => call(sim.url, 'GET', D)],
    ['a tampered body', async () => send({ method: 'POST', path: ORDER_PATH, body: JSON.stringify(desktopsBody()) }, { body: JSON.stringify(desktopsBody([{ user_name: 'eve', computer_name: 'eve-1' }])) })],
    ['a tampered query', async () => send({ method: 'GET', path: D, query: { limit: 10 } }, { query: { limit: 11 } })],
    ['a changed signed header', async () => send({ method: 'GET', path: D }, { headers: { 'X-Project-Id': 'another' } })],
    ['the wrong secret key', async () => send({ method: 'GET', path: D, keys: { accessKey: KEYS.accessKey, secretKey: 'WRONG' } })],
    ['an unknown access key', async () => send({ method: 'GET', path: D, keys: { accessKey: 'OTHER', secretKey: KEYS.secretKey } })],
    ['a malformed Authorization header', async () => send({ method: 'GET', path: D }, { headers: { Authorization: 'Bearer abc' } })],
    ['a malformed X-Sdk-Date', async () => send({ method: 'GET', path: D }, { headers: { 'X-Sdk-Date': '2026-03-01T08:00:00Z' } })],
  ])('refuses %s with 401 APIGW.0301', async (_, request) => {
    await boot();
    const reply = await request();
    expect(reply.status).toBe(401);
    expect(reply.body.error_code).toBe('APIGW.0301');
    expect(sim.simulator.orders()).toEqual([]);
  });

  it('refuses an X-Sdk-Date more than 15 minutes off with 401 APIGW.0303, and accepts one within', async () => {
    await boot();
    const skewed = await send({ method: 'GET', path: D, signedAt: new Date(clock.ms + 16 * 60_000) });
    expect(skewed.status).toBe(401);
    expect(skewed.body.error_code).toBe('APIGW.0303');
    const late = await send({ method: 'GET', path: D, signedAt: new Date(clock.ms - 16 * 60_000) });
    expect(late.body.error_code).toBe('APIGW.0303');
    expect((await send({ method: 'GET', path: D, signedAt: new Date(clock.ms - 14 * 60_000) })).status).toBe(200);
  });

  it('records a refused order', async () => {
    await boot();
    await call(sim.url, 'POST', ORDER_PATH, desktopsBody());
    expect(sim.simulator.requests()).toMatchObject([{ outcome: 'rejected', status: 401, error_code: 'APIGW.0301' }]);
  });

  it('signs nothing it did not name: unsigned headers may change', async () => {
    await boot();
    const reply = await send({ method: 'GET', path: D }, { headers: { 'User-Agent': 'something-else' } });
    expect(reply.status).toBe(200);
    expect(sdkDate(clock.now())).toBe('20260301T080000Z');
  });
});

describe('X-Auth-Token', () => {
  it('accepts the configured token and refuses anything else', async () => {
    await boot({ authToken: 'token-123456' });
    expect((await get(sim, D)).status).toBe(401);
    expect((await call(sim.url, 'GET', D, undefined, { 'X-Auth-Token': 'token-123456' })).status).toBe(200);
    const wrong = await call(sim.url, 'GET', D, undefined, { 'X-Auth-Token': 'token-654321' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error_code).toBe('APIGW.0301');
  });

  it('takes either a token or a signature when both are configured', async () => {
    await boot({ credentials: KEYS, authToken: 'token-123456' });
    expect((await call(sim.url, 'GET', D, undefined, { 'X-Auth-Token': 'token-123456' })).status).toBe(200);
    expect((await send({ method: 'GET', path: D })).status).toBe(200);
    expect((await call(sim.url, 'GET', D, undefined, { 'X-Auth-Token': 'nope' })).status).toBe(401);
  });

  it('asks nobody when neither is configured', async () => {
    await boot({});
    expect((await get(sim, D)).status).toBe(200);
  });
});
