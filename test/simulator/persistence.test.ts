/** The data file: replay after a restart, torn and corrupt lines, reset, and size. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFileError, Simulator, type RunningSimulator } from '../../src/simulator/index.js';
import { FakeClock, ORDER_PATH, addVolumesBody, desktopsBody, pay, postOrder, start, unassignedDesktopsBody, unpaid } from './support.js';

let dir: string;
let file: string;
let clock: FakeClock;
const running: RunningSimulator[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsgo-sim-'));
  file = join(dir, 'nested', 'simulator.jsonl');
  clock = new FakeClock();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<RunningSimulator> {
  const sim = await start({ dataFile: file, now: clock.now, provisionDelayMs: 1000 });
  running.push(sim);
  return sim;
}

async function reopen(sim: RunningSimulator): Promise<RunningSimulator> {
  await sim.close();
  running.splice(running.indexOf(sim), 1);
  return open();
}

const snapshot = (sim: RunningSimulator) => ({ orders: sim.simulator.orders(), desktops: sim.simulator.desktops() });

describe('replay', () => {
  it('restarts with the same orders, statuses and desktops', async () => {
    let sim = await open();
    const manual = await postOrder(sim, unpaid(desktopsBody([{ user_name: 'a', computer_name: 'manual' }])));
    await postOrder(sim, desktopsBody());
    const pending = await postOrder(sim, unpaid(desktopsBody([{ user_name: 'c', computer_name: 'still-pending' }])));
    clock.advance(500);
    await pay(sim, manual.body.order_id as string);
    clock.advance(1000);
    await postOrder(sim, addVolumesBody(sim.simulator.desktops().find((d) => d.computer_name === 'alice-dev')!.desktop_id));
    clock.advance(1000);
    const before = snapshot(sim);
    expect(before.orders.map((o) => o.status)).toEqual([5, 5, 6, 5]);
    expect(before.desktops.find((d) => d.computer_name === 'alice-dev')?.data_volumes).toHaveLength(2);

    sim = await reopen(sim);
    expect(snapshot(sim)).toEqual(before);
    // Claims survive too: the pending order's name is still taken, and it can still be paid.
    expect((await postOrder(sim, desktopsBody([{ user_name: 'd', computer_name: 'still-pending' }]))).body.error_code).toBe('WKS.SIM.1001');
    expect((await pay(sim, pending.body.order_id as string)).status).toBe(204);
  });

  it('keeps an order accepted just before the connection was dropped', async () => {
    let sim = await open();
    sim.simulator.setFaults({ next: [{ on: 'order', fault: 'drop-after-accept' }] });
    await expect(postOrder(sim, desktopsBody())).rejects.toThrow();
    sim = await reopen(sim);
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('ignores a torn last line, cuts it off, and keeps appending cleanly', async () => {
    let sim = await open();
    await postOrder(sim, desktopsBody());
    await sim.close();
    running.pop();
    const good = readFileSync(file, 'utf8');
    appendFileSync(file, '{"event":"order","order":{"order_id":"CS26');
    sim = await open();
    expect(sim.simulator.orders()).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe(good);
    await postOrder(sim, desktopsBody([{ user_name: 'b', computer_name: 'b-1' }]));
    sim = await reopen(sim);
    expect(sim.simulator.orders()).toHaveLength(2);
  });

  it('ignores a last line of NUL bytes left by a crash', async () => {
    let sim = await open();
    await postOrder(sim, desktopsBody());
    await sim.close();
    running.pop();
    appendFileSync(file, '\u0000\u0000\u0000\n');
    sim = await open();
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('refuses a corrupt line in the middle with a clear error', async () => {
    const sim = await open();
    await postOrder(sim, desktopsBody());
    await postOrder(sim, desktopsBody([{ user_name: 'b', computer_name: 'b-1' }]));
    await sim.close();
    running.pop();
    const [first, second] = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${first}\nnot json\n${second}\n`);
    await expect(open()).rejects.toThrow(DataFileError);
    await expect(open()).rejects.toThrow(/line 2 is not a valid event/);
  });

  it('reset forgets everything and empties the file', async () => {
    let sim = await open();
    await postOrder(sim, desktopsBody());
    sim.simulator.reset();
    expect(readFileSync(file, 'utf8')).toBe('');
    await postOrder(sim, desktopsBody([{ user_name: 'b', computer_name: 'after-reset' }]));
    sim = await reopen(sim);
    expect(sim.simulator.orders().map((o) => o.body.resources[0]?.create_desktops?.desktops?.[0]?.computer_name)).toEqual(['after-reset']);
  });

  it('writes one line per accepted order and payment, nothing for rejected ones', async () => {
    const sim = await open();
    const placed = await postOrder(sim, unpaid(desktopsBody()));
    await postOrder(sim, { type: 'nope' });
    await pay(sim, placed.body.order_id as string);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(lines.map((l) => l.event)).toEqual(['order', 'pay']);
  });
});

describe('size', () => {
  it('replays 10,000 desktops from 200 orders quickly', async () => {
    const first = new Simulator({ dataFile: file, now: clock.now });
    let t = performance.now();
    for (let i = 0; i < 200; i++) {
      const body = Buffer.from(JSON.stringify(unassignedDesktopsBody(`n${i}-`, 50)));
      expect(await first.handle({ method: 'POST', path: ORDER_PATH, rawQuery: '', headers: {}, body })).toMatchObject({ status: 200 });
    }
    expect(first.desktops()).toHaveLength(10_000);
    const placeMs = performance.now() - t;
    first.close();
    t = performance.now();
    const second = new Simulator({ dataFile: file, now: clock.now });
    expect(second.desktops()).toHaveLength(10_000);
    const replayMs = performance.now() - t;
    second.close();
    console.log(`placed 200 orders (10,000 desktops) in ${placeMs.toFixed(0)} ms; replayed them in ${replayMs.toFixed(0)} ms`);
    expect(replayMs).toBeLessThan(5_000);
  });
});
