/**
 * Crash safety with real processes: `reconcile` runs as a child process that SIGKILLs itself at one
 * step of the journal protocol (WORKSPACE_GITOPS_FAILPOINT), then reconcile runs again, as a child
 * too, until it succeeds. Through the simulator's own order list: every resource was ordered exactly
 * once, and a final `plan --refresh` has nothing left to do.
 *
 * The dead process leaves its state lock behind. It is never broken automatically (a pid says nothing
 * about a process on another machine sharing the state); the next run fails at once naming the dead
 * pid, and the operator's documented step — `state unlock ID` — is what the test runs.
 */
import { describe, expect, it } from 'vitest';
import {
  bandwidth,
  conflictingRequests,
  desktop,
  duplicates,
  internet,
  lockedBy,
  makeRepo,
  orderCounts,
  pool,
  runChild,
  simulator,
  type ChildRun,
  type Repo,
  type RunningSimulator,
} from './support.js';

/** Round 1: bandwidth, pool, two createDesktops batches (4 orders); round 2: EIPs for two desktops (1 order). */
const DOCS = [
  desktop('a1'),
  desktop('a2'),
  desktop('a3'),
  desktop('b1', { size: 90 }),
  desktop('b2', { size: 90 }),
  pool('crash-pool', 5),
  bandwidth('crash-bw'),
  internet('crash-eips', ['a1', 'b1']),
];
const RESOURCES = ['Desktop/a1', 'Desktop/a2', 'Desktop/a3', 'Desktop/b1', 'Desktop/b2', 'DesktopPool/crash-pool', 'SubnetBandwidth/crash-bw'];

/** Reconcile again (breaking the dead run's lock the documented way) until it exits 0. */
async function recover(repo: Repo, sim: RunningSimulator, killed: ChildRun): Promise<ChildRun[]> {
  const runs: ChildRun[] = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    // The simulator writes an accepted order to disk before it answers, so its order list is complete at
    // once: no need to wait the real billing system's settle time before an empty list proves "not placed".
    const run = await runChild(repo, sim, ['reconcile', '--parallelism', '2', '--settle-after', '0s']);
    runs.push(run);
    if (run.code === 0) return runs;
    const lock = lockedBy(run.stderr);
    expect(lock, `reconcile failed for another reason than the stale lock:\n${run.stdout}\n${run.stderr}`).toBeDefined();
    // What the user sees: who holds it, that the holder is gone, and the exact command to break it.
    expect(lock!.pid).toBe(killed.pid);
    expect(run.stderr).toContain(`pid ${killed.pid} is not running on this host, so the lock looks stale`);
    expect(run.stderr).toContain(`workspace-gitops state unlock ${lock!.id}`);
    const unlock = await runChild(repo, sim, ['state', 'unlock', lock!.id]);
    expect(unlock.code).toBe(0);
    expect(unlock.stdout).toContain(`Released lock ${lock!.id} (reconcile`);
  }
  throw new Error(`reconcile did not succeed after 4 runs:\n${runs.map((r) => `${r.stdout}\n${r.stderr}`).join('\n----\n')}`);
}

function expectEachOrderedOnce(sim: RunningSimulator): void {
  expect(duplicates(sim)).toEqual([]);
  expect(conflictingRequests(sim)).toEqual([]);
  const counts = orderCounts(sim);
  for (const address of RESOURCES) expect(counts.get(address), address).toBe(1);
  // EIPs for exactly the two desktops named, each once (in one order, or two when b's desktops came a round later).
  const ids = new Map(sim.simulator.desktops().map((d) => [d.desktop_id, d.computer_name]));
  const eips = [...counts.keys()].filter((k) => k.startsWith('EIP/')).map((k) => ids.get(k.slice('EIP/'.length)));
  expect(eips.sort()).toEqual(['a1', 'b1']);
}

async function expectNothingLeft(repo: Repo, sim: RunningSimulator): Promise<void> {
  const plan = await runChild(repo, sim, ['plan', '--refresh', '--detailed-exitcode']);
  expect(plan.stderr).toBe('');
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('8 resources unchanged.');
  expect(plan.stdout).toContain('Plan: 0 to create, 0 to update, 0 blocked; 0 orders');
}

describe('reconcile killed at each step of the journal protocol', () => {
  // `:N` dies at the N-th time the step is reached: with parallelism 2, mid-run, some orders done and one in flight.
  const cases: { failpoint: string; then: RegExp | undefined }[] = [
    // The first order's intent is durable, nothing was sent: the next run proves it was not placed.
    { failpoint: 'before-post', then: /not placed ord-[0-9a-f]{24}: no Workspace order in the billing system since/ },
    { failpoint: 'before-post:3', then: undefined },
    // The order was accepted and its answer never recorded: the next run finds its resources and adopts the order.
    { failpoint: 'after-post', then: /placed ord-[0-9a-f]{24}: the cloud shows the ordered resources \(.*\); adopted order CS\w+/ },
    { failpoint: 'after-post:3', then: /placed ord-[0-9a-f]{24}: the cloud shows the ordered resources/ },
    // The 5th order is round 2's EIP order, for desktops created in round 1.
    { failpoint: 'after-post:5', then: /placed ord-[0-9a-f]{24}: the cloud shows the ordered resources \(2 of 2 desktops have an EIP\)/ },
    { failpoint: 'after-outcome', then: undefined },
    { failpoint: 'after-outcome:3', then: undefined },
    // Before anything was ordered (round 1 reads the state), and after round 1 folded its outcomes into the state.
    { failpoint: 'after-checkpoint', then: undefined },
    { failpoint: 'after-checkpoint:2', then: undefined },
  ];

  it.each(cases)('$failpoint: the next runs order every resource exactly once', async ({ failpoint, then }) => {
    const sim = await simulator();
    const repo = makeRepo(DOCS, { prefix: 'wsgo-crash-' });
    const killed = await runChild(repo, sim, ['reconcile', '--parallelism', '2'], { WORKSPACE_GITOPS_FAILPOINT: failpoint });
    expect(killed.signal, `${killed.stdout}\n${killed.stderr}`).toBe('SIGKILL');

    const runs = await recover(repo, sim, killed);
    const last = runs.at(-1)!;
    if (then) expect(runs.map((r) => r.stdout).join('\n')).toMatch(then);
    expect(last.stdout).not.toContain('Still in doubt');
    expectEachOrderedOnce(sim);
    await expectNothingLeft(repo, sim);
  });
});

describe('an order sent just before the crash whose resources are not there yet', () => {
  const PROVISIONING_MS = 10 * 60_000;
  const DOCS2 = [desktop('a1'), desktop('a2'), desktop('b1', { size: 90 })];

  /** The simulator's clock runs with real time (the CLI signs with it) plus what the test adds. */
  async function slowSimulator() {
    let offset = 0;
    const sim = await simulator({ provisionDelayMs: PROVISIONING_MS, now: () => new Date(Date.now() + offset) });
    return { sim, provision: () => (offset += PROVISIONING_MS) };
  }

  /** Killed right after batch a's POST (parallelism 1: b was not started); the stale lock broken. */
  async function crashAfterFirstPost(repo: Repo, sim: RunningSimulator): Promise<string> {
    const killed = await runChild(repo, sim, ['reconcile', '--parallelism', '1'], { WORKSPACE_GITOPS_FAILPOINT: 'after-post' });
    expect(killed.signal).toBe('SIGKILL');
    const locked = await runChild(repo, sim, ['reconcile']);
    const lock = lockedBy(locked.stderr);
    expect(lock?.pid).toBe(killed.pid);
    expect((await runChild(repo, sim, ['state', 'unlock', lock!.id])).code).toBe(0);
    const orders = sim.simulator.orders();
    expect(orders).toHaveLength(1);
    return orders[0]!.order_id;
  }

  it('stays in doubt across runs (never ordered again), then is settled by evidence once provisioned', async () => {
    const { sim, provision } = await slowSimulator();
    const repo = makeRepo(DOCS2, { prefix: 'wsgo-crash-doubt-' });
    const orderA = await crashAfterFirstPost(repo, sim);

    for (let run = 1; run <= 2; run++) {
      const again = await runChild(repo, sim, ['reconcile']);
      expect(again.code).toBe(1);
      expect(again.stdout).toContain('Still in doubt (not ordered again until settled):');
      expect(again.stdout).toMatch(/ord-[0-9a-f]{24} createDesktops: Desktop\/a1, Desktop\/a2 — settle with: workspace-gitops state resolve Desktop\/a1 --placed\|--not-placed/);
      expect(again.stdout).toMatch(/! Desktop\/a1 blocked .*\n\s+in doubt: order intent ord-[0-9a-f]{24} may or may not have been placed/);
      expect(again.stderr).toContain('order intent stays in doubt');
      expect(again.stderr).toContain(orderA);
    }
    // a's order once (in doubt), b's order once (placed by the first re-run), nothing else.
    expect(sim.simulator.orders()).toHaveLength(2);
    expect(duplicates(sim)).toEqual([]);

    provision();
    const settled = await runChild(repo, sim, ['reconcile']);
    expect(settled.code).toBe(0);
    expect(settled.stdout).toMatch(new RegExp(`placed ord-[0-9a-f]{24}: the cloud shows the ordered resources \\(2 of 2 desktops exist\\); adopted order ${orderA}`));
    const show = await runChild(repo, sim, ['state', 'show', 'Desktop/a2']);
    expect(JSON.parse(show.stdout)).toMatchObject({ status: 'active', order_ids: [orderA] });
    expect(sim.simulator.orders()).toHaveLength(2);
    expect(conflictingRequests(sim)).toEqual([]);
    const plan = await runChild(repo, sim, ['plan', '--refresh', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
  });

  it('or is settled by an operator with state resolve, which names every address of the order', async () => {
    const { sim, provision } = await slowSimulator();
    const repo = makeRepo(DOCS2, { prefix: 'wsgo-crash-resolve-' });
    const orderA = await crashAfterFirstPost(repo, sim);

    const resolve = await runChild(repo, sim, ['state', 'resolve', 'Desktop/a2', '--placed', '--order-id', orderA]);
    expect(resolve.code).toBe(0);
    expect(resolve.stdout).toMatch(/^Settled order intent ord-[0-9a-f]{24} \(createDesktops\) as placed; it held 2 addresses:\n {2}Desktop\/a1\n {2}Desktop\/a2\n$/);

    const after = await runChild(repo, sim, ['reconcile']);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain('Settled in-doubt orders');
    expect(sim.simulator.orders()).toHaveLength(2);
    provision();
    const plan = await runChild(repo, sim, ['plan', '--refresh', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    expect(duplicates(sim)).toEqual([]);
    expect(conflictingRequests(sim)).toEqual([]);
  });
});
