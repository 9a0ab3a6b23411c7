/**
 * The apply core against the simulator, on a shared fake clock: in-doubt orders settled by evidence
 * (placed, not placed, kept in doubt by an order nobody accounts for, then adopted), stop signals,
 * throttling, dependencies between orders, and --wait.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTLE_MS, executeOrders } from '../../src/apply/index.js';
import type { WorkspaceApi } from '../../src/workspace/types.js';
import { plan, type PlannedOrder } from '../../src/plan/index.js';
import { emptySnapshot } from '../../src/state/index.js';
import { conflictingRequests, desktop, duplicates, engine, makeRepo, orderCounts, orderOf, pool, recordingLogger, sharedClock, simulator, statuses, type FaultConfig } from './support.js';

/** Two createDesktops batches (a: 80 GB, b: 90 GB); parallelism 1 sends a first. */
const TWO_BATCHES = [desktop('a1'), desktop('a2'), desktop('b1', { size: 90 }), desktop('b2', { size: 90 })];

async function setup(options: { faults?: FaultConfig; autoPay?: boolean; docs?: string[] } = {}) {
  const clock = sharedClock();
  const sim = await simulator({ now: clock.now, ...(options.faults ? { faults: options.faults } : {}) });
  const repo = makeRepo(options.docs ?? TWO_BATCHES, { autoPay: options.autoPay ?? true });
  return { clock, sim, repo, wsgo: engine(repo, sim, clock) };
}

describe('in-doubt orders settled by evidence at the start of the next run', () => {
  it('placed: the resources exist, so the order is adopted and nothing is ordered again', async () => {
    const { sim, wsgo } = await setup({ faults: { next: [{ on: 'order', fault: 'drop-after-accept' }] } });
    const first = await wsgo.run({ parallelism: 1 });
    expect(statuses(first)).toEqual({ 'in-doubt': 1, placed: 1 });
    expect(first.inDoubt.map((i) => i.addresses)).toEqual([['Desktop/a1', 'Desktop/a2']]);
    const dropped = sim.simulator.orders()[0]!;

    const second = await wsgo.run();
    expect(second.resolutions).toHaveLength(1);
    expect(second.resolutions[0]).toMatchObject({ placed: true, by: 'evidence', order_id: dropped.order_id });
    expect(second.resolutions[0]!.evidence).toBe(`the cloud shows the ordered resources (2 of 2 desktops exist); adopted order ${dropped.order_id}`);
    expect(statuses(second)).toEqual({});
    expect(second.inDoubt).toEqual([]);
    expect(sim.simulator.orders()).toHaveLength(2);
    const state = await wsgo.store.read();
    expect(state.resources['Desktop/a1']).toMatchObject({ status: 'active', order_ids: [dropped.order_id] });
  });

  it('not placed: no resources and no unaccounted order in BSS, so it is ordered again — once', async () => {
    const { clock, sim, wsgo } = await setup({ faults: { next: [{ on: 'order', fault: 'error', status: 503 }] } });
    const first = await wsgo.run({ parallelism: 1 });
    expect(statuses(first)).toEqual({ 'in-doubt': 1, placed: 1 });
    expect(first.rounds[0]!.results[0]!.error?.message).toContain('outcome unknown');

    // Right after the lost answer the order may still be in the making: an empty order list proves nothing yet.
    const soon = await wsgo.run();
    expect(soon.resolutions).toEqual([]);
    expect(soon.inDoubt).toHaveLength(1);
    expect(statuses(soon)).toEqual({});

    clock.advance(DEFAULT_SETTLE_MS);
    const second = await wsgo.run();
    expect(second.resolutions).toEqual([expect.objectContaining({ placed: false, by: 'evidence' })]);
    expect(second.resolutions[0]!.evidence).toMatch(/^no Workspace order in the billing system since \S+ that the journal cannot account for, and the resources do not exist \(0 of 2 desktops exist\)$/);
    expect(statuses(second)).toEqual({ placed: 1 });
    expect(duplicates(sim)).toEqual([]);
    expect([...orderCounts(sim).keys()].sort()).toEqual(['Desktop/a1', 'Desktop/a2', 'Desktop/b1', 'Desktop/b2']);
  });

  it('an order nobody accounts for keeps it in doubt until its resources appear; then that order is adopted', async () => {
    const logger = recordingLogger();
    const { sim, wsgo } = await setup({ autoPay: false, faults: { next: [{ on: 'order', fault: 'drop-after-accept' }] } });
    await wsgo.run({ parallelism: 1 });
    const unpaid = sim.simulator.orders()[0]!;
    expect(unpaid.status).toBe(6); // pending payment: its desktops do not exist yet

    for (let run = 0; run < 2; run++) {
      const again = await wsgo.run({ ctx: { logger } });
      expect(again.resolutions).toEqual([]);
      expect(again.inDoubt.map((i) => i.addresses)).toEqual([['Desktop/a1', 'Desktop/a2']]);
      expect(statuses(again)).toEqual({});
      const blocked = again.rounds[0]!.plan.changes.find((c) => c.address === 'Desktop/a1')!;
      expect(blocked.action).toBe('blocked');
      expect(blocked.reason).toMatch(/^in doubt: order intent ord-[0-9a-f]{24} may or may not have been placed/);
    }
    expect(logger.lines.filter((l) => l.message === 'order intent stays in doubt').map((l) => l.fields['unaccounted_orders'])).toEqual([[unpaid.order_id], [unpaid.order_id]]);
    expect(sim.simulator.orders()).toHaveLength(2);

    sim.simulator.pay(unpaid.order_id);
    const settled = await wsgo.run();
    expect(settled.resolutions).toEqual([expect.objectContaining({ placed: true, by: 'evidence', order_id: unpaid.order_id })]);
    expect(settled.inDoubt).toEqual([]);
    expect((await wsgo.store.read()).resources['Desktop/a2']).toMatchObject({ status: 'active', order_ids: [unpaid.order_id] });
    expect(sim.simulator.orders()).toHaveLength(2);
    expect(conflictingRequests(sim)).toEqual([]);
  });

  it('settles a placed and a not-placed order of the same crashed run together, whatever their journal order', async () => {
    // a's POST fails before the simulator accepts it; b's is accepted and its answer lost. In the
    // journal a comes first, while the order that is unaccounted for at that point is b's.
    const { clock, sim, wsgo } = await setup({ faults: { next: [{ on: 'order', fault: 'error', status: 503 }, { on: 'order', fault: 'drop-after-accept' }] } });
    const first = await wsgo.run({ parallelism: 1 });
    expect(statuses(first)).toEqual({ 'in-doubt': 2 });
    const bOrder = sim.simulator.orders()[0]!.order_id;

    clock.advance(DEFAULT_SETTLE_MS);
    const second = await wsgo.run();
    expect(second.resolutions.map((r) => [r.placed, r.order_id ?? null])).toEqual([
      [true, bOrder],
      [false, null],
    ]);
    expect(statuses(second)).toEqual({ placed: 1 });
    expect(second.inDoubt).toEqual([]);
    expect(duplicates(sim)).toEqual([]);
    expect(sim.simulator.orders()).toHaveLength(2);
  });
});

describe('placing orders', () => {
  it('a stop signal lets the orders in flight finish and be journaled, and starts no new one', async () => {
    const { sim, repo, wsgo } = await setup({ docs: [...TWO_BATCHES, pool('stop-pool-a', 2), pool('stop-pool-b', 3)] });
    const controller = new AbortController();
    const api: WorkspaceApi = Object.create(wsgo.client) as WorkspaceApi;
    // The signal arrives while the first order is on the wire; the second was started alongside it.
    api.placeOrder = (body, options) => {
      controller.abort();
      return wsgo.client.placeOrder(body, options);
    };
    const stopped = await wsgo.run({ parallelism: 2, signal: controller.signal, ctx: { api } });
    expect(stopped.interrupted).toBe(true);
    expect(statuses(stopped)).toEqual({ placed: 2, 'not-started': 2 });
    const notStarted = stopped.rounds[0]!.results.filter((r) => r.status === 'not-started');
    expect(notStarted.map((r) => r.note)).toEqual(['stopped by a signal before it started', 'stopped by a signal before it started']);
    expect(sim.simulator.orders()).toHaveLength(2);
    // Both outcomes are in the state: nothing is in doubt, and the next run orders only the rest.
    expect(stopped.inDoubt).toEqual([]);
    const placed = stopped.rounds[0]!.results.filter((r) => r.status === 'placed');
    const state = await wsgo.store.read();
    for (const r of placed) for (const address of r.order.addresses) expect(state.resources[address]?.order_ids).toEqual([r.orderId]);

    const rest = await engine(repo, sim, sharedClock()).run();
    expect(statuses(rest)).toEqual({ placed: 2 });
    expect(duplicates(sim)).toEqual([]);
    expect(orderCounts(sim).size).toBe(6);
  });

  it('backs off when the gateway throttles orders, halving the parallelism, and still places them once', async () => {
    const logger = recordingLogger();
    // The client's own retries (6 attempts) run out on the first order; the executor waits and tries again.
    const throttles = Array.from({ length: 6 }, () => ({ on: 'order' as const, fault: 'throttle' as const }));
    const { sim, clock, wsgo } = await setup({ faults: { next: throttles }, docs: [desktop('a1'), desktop('a2')] });
    const report = await wsgo.run({ parallelism: 4, ctx: { logger } });
    expect(statuses(report)).toEqual({ placed: 1 });
    const retries = logger.lines.filter((l) => l.message === 'order throttled; retrying');
    expect(retries).toHaveLength(1);
    expect(retries[0]!.fields).toMatchObject({ attempt: 1, delay_ms: 2_000, parallelism: 2 });
    expect(clock.sleeps).toContain(2_000);
    expect(sim.simulator.requests().filter((r) => r.outcome === 'throttled')).toHaveLength(6);
    expect(duplicates(sim)).toEqual([]);
  });

  it('does not start an order whose dependency was not placed; independent ones go on', async () => {
    const { sim, clock, wsgo } = await setup({ faults: { next: [{ on: 'order', fault: 'error', status: 400 }] } });
    // The planner orders nothing after anything else today; an EIP order that needs a's desktops would.
    const { orders } = plan({ desired: await wsgo.desired(), recorded: emptySnapshot(), now: clock.now() });
    const [a, b] = orders as [PlannedOrder, PlannedOrder];
    const c: PlannedOrder = { ...b, id: 'ord-cccccccccccccccccccccccc', depends_on: [a.id] };
    const lock = await wsgo.store.acquireLock({ operation: 'test' });
    try {
      const results = await executeOrders([a, b, c], {
        api: wsgo.client,
        journal: wsgo.store.journal,
        lock,
        parallelism: 1,
        now: clock.now,
        sleep: clock.sleep,
        signal: new AbortController().signal,
        logger: recordingLogger(),
      });
      expect(results.map((r) => r.status)).toEqual(['failed', 'placed', 'not-started']);
      expect(results[0]!.error).toMatchObject({ status: 400, code: 'WKS.0001' });
      expect(results[2]!.note).toBe(`depends on ${a.id}, which was not placed`);
    } finally {
      await wsgo.store.releaseLock(lock);
    }
    expect(sim.simulator.orders()).toHaveLength(1);
  });
});

describe('reading the cloud', () => {
  it('asks BSS only about orders whose resources the read APIs do not show', async () => {
    const { sim, wsgo } = await setup({ autoPay: false, docs: [...TWO_BATCHES, desktop('c1', { size: 100 })] });
    await wsgo.run();
    sim.simulator.pay(orderOf(sim, 'a1'));
    sim.simulator.pay(orderOf(sim, 'c1'));
    const asked: string[] = [];
    const api: WorkspaceApi = Object.create(wsgo.client) as WorkspaceApi;
    api.getCustomerOrder = (id) => (asked.push(id), wsgo.client.getCustomerOrder(id));

    await wsgo.run({ ctx: { api } });
    // Batches a and c are paid and visible; only b's unpaid order needs its BSS status.
    expect(asked).toEqual([orderOf(sim, 'b1')]);
    const state = await wsgo.store.read();
    expect([state.resources['Desktop/a1']!.status, state.resources['Desktop/b1']!.status, state.resources['Desktop/c1']!.status]).toEqual(['active', 'ordered', 'active']);
  });
});

describe('--wait', () => {
  it('polls until the ordered resources are active: here the order is paid during the wait', async () => {
    const { sim, clock, wsgo } = await setup({ autoPay: false });
    const sleep = async (ms: number) => {
      for (const o of sim.simulator.orders()) if (o.status === 6) sim.simulator.pay(o.order_id);
      await clock.sleep(ms);
    };
    const report = await wsgo.run({ ctx: { wait: { timeoutMs: 60_000, intervalMs: 5_000 }, sleep } });
    const wait = report.rounds[0]!.wait!;
    expect(wait).toEqual({ active: ['Desktop/a1', 'Desktop/a2', 'Desktop/b1', 'Desktop/b2'], waiting: [], timedOut: false });
    expect(clock.sleeps).toEqual([5_000]);
    const state = await wsgo.store.read();
    expect(Object.values(state.resources).map((r) => [r.status, r.awaiting_payment ?? false, typeof r.cloud_id])).toEqual(Array(4).fill(['active', false, 'string']));
  });

  it('reports what still waits, and why, when the deadline passes', async () => {
    const { sim, clock, wsgo } = await setup({ autoPay: false });
    const report = await wsgo.run({ ctx: { wait: { timeoutMs: 30_000, intervalMs: 10_000 } } });
    const wait = report.rounds[0]!.wait!;
    expect(wait.timedOut).toBe(true);
    expect(wait.active).toEqual([]);
    const [a, b] = [orderOf(sim, 'a1'), orderOf(sim, 'b1')];
    expect(wait.waiting).toEqual([
      { address: 'Desktop/a1', reason: `order ${a} waits for payment` },
      { address: 'Desktop/a2', reason: `order ${a} waits for payment` },
      { address: 'Desktop/b1', reason: `order ${b} waits for payment` },
      { address: 'Desktop/b2', reason: `order ${b} waits for payment` },
    ]);
    expect(clock.sleeps).toEqual([10_000, 10_000, 10_000]);
    expect((await wsgo.store.read()).resources['Desktop/a1']).toMatchObject({ status: 'ordered', awaiting_payment: true });
  });
});
