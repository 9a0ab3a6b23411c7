/**
 * A reconcile of 200 desktops against a simulator that drops connections after accepting orders,
 * answers 5xx before and after accepting, and throttles — re-run until it converges. The client and
 * the reconciler sleep on a clock shared with the simulator, so back-offs cost no real time and the
 * simulator's fault draws come from a seeded source.
 */
import { describe, expect, it } from 'vitest';
import type { OrderResolution } from '../../src/state/index.js';
import { DEFAULT_SETTLE_MS } from '../../src/apply/index.js';
import { conflictingRequests, desktop, duplicates, engine, makeRepo, orderCounts, pool, seededRandom, sharedClock, simulator, statuses, type FaultConfig } from './support.js';

const GROUPS = 20;
const PER_GROUP = 10;
/**
 * Rates for the bulk of it, and one of each kind up front, so every kind happens whatever order the
 * parallel requests draw their random numbers in.
 */
const FAULTS: FaultConfig = {
  dropAfterAcceptRate: 0.2,
  errorAfterAcceptRate: 0.1,
  errorRate: 0.1,
  throttleRate: 0.1,
  next: [
    { on: 'order', fault: 'error', status: 503 },
    { on: 'order', fault: 'throttle' },
    { on: 'order', fault: 'drop-after-accept' },
    { on: 'order', fault: 'error-after-accept', status: 502 },
  ],
};

function docs(): string[] {
  const out: string[] = [];
  // 20 configurations (system disk sizes) of 10 desktops each: 20 createDesktops orders.
  for (let g = 0; g < GROUPS; g++) for (let i = 0; i < PER_GROUP; i++) out.push(desktop(`f${String(g).padStart(2, '0')}-${i}`, { size: 80 + g * 10 }));
  out.push(pool('faulty-pool-a', 4), pool('faulty-pool-b', 6));
  return out;
}

describe('reconcile under injected faults', () => {
  it('converges across re-runs with zero duplicate orders', { timeout: 120_000 }, async () => {
    const clock = sharedClock();
    const sim = await simulator({ now: clock.now, random: seededRandom(20260301), faults: FAULTS });
    const repo = makeRepo(docs(), { prefix: 'wsgo-faults-' });
    const wsgo = engine(repo, sim, clock);

    const resolutions: OrderResolution[] = [];
    const failures: string[] = [];
    let converged = false;
    for (let run = 1; run <= 12 && !converged; run++) {
      try {
        const report = await wsgo.run();
        resolutions.push(...report.resolutions);
        const last = report.rounds.at(-1)!;
        converged = report.inDoubt.length === 0 && last.plan.orders.length === 0 && last.plan.summary.blocked === 0;
      } catch (error) {
        // A read that failed every retry ends the run; the next run starts over from the journal.
        failures.push(error instanceof Error ? error.message : String(error));
      }
      // The invariant holds after every run, not only at the end.
      expect(duplicates(sim), `after run ${run}`).toEqual([]);
      // Runs are a while apart (a daemon's schedule): long enough for an empty order list to prove "not placed".
      clock.advance(DEFAULT_SETTLE_MS);
    }
    expect(converged, `did not converge; run failures: ${failures.join('; ')}`).toBe(true);

    // Every desktop and pool in exactly one accepted order; no order the simulator refused as a repeat.
    const counts = orderCounts(sim);
    expect(counts.size).toBe(GROUPS * PER_GROUP + 2);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(conflictingRequests(sim)).toEqual([]);
    expect(sim.simulator.desktops()).toHaveLength(GROUPS * PER_GROUP);

    // The faults really happened, and evidence settled both kinds of doubt.
    const requests = sim.simulator.requests();
    expect(requests.filter((r) => r.dropped_after_accept).length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.error_after_accept).length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.outcome === 'error').length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.outcome === 'throttled').length).toBeGreaterThan(0);
    expect(resolutions.filter((r) => r.placed && r.by === 'evidence').length).toBeGreaterThan(0);
    expect(resolutions.filter((r) => !r.placed && r.by === 'evidence').length).toBeGreaterThan(0);
    // Throttling slowed the reconciler down (on the shared clock), with the gateway's 2 s floor.
    expect(clock.sleeps.some((ms) => ms >= 2_000)).toBe(true);

    // Without faults, one more run finds nothing to do: the plan is clean.
    sim.simulator.setFaults({});
    const final = await wsgo.run();
    expect(statuses(final)).toEqual({});
    expect(final.inDoubt).toEqual([]);
    expect(final.rounds).toHaveLength(1);
    expect(final.rounds[0]!.plan.summary).toMatchObject({ create: 0, update: 0, blocked: 0, orders: 0, drift: 0, no_op: GROUPS * PER_GROUP + 2 });
  });
});
