/** `state list|show|resolve|unlock` as an operator uses them after a run left orders in doubt or a lock behind. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileStateStore } from '../../src/state/index.js';
import { cli, conflictingRequests, desktop, duplicates, makeRepo, onCleanup, orderCounts, simulator, type FaultConfig } from '../apply/support.js';

/** Batch a (a1, a2) goes first at parallelism 1 and meets `fault`; b1 is placed normally. */
async function inDoubt(fault: NonNullable<FaultConfig['next']>[number], options: { autoPay?: boolean } = {}) {
  const sim = await simulator({ faults: { next: [fault] } });
  const repo = makeRepo([desktop('a1'), desktop('a2'), desktop('b1', { size: 90 })], options);
  const run = await cli(repo, sim, ['reconcile', '--parallelism', '1']);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/\? createDesktops (ord-[0-9a-f]{24}) IN DOUBT \(a1, a2\): place order: outcome unknown/);
  const intent = /\? createDesktops (ord-[0-9a-f]{24}) IN DOUBT/.exec(run.stdout)![1]!;
  return { sim, repo, intent, run };
}

describe('state list and show', () => {
  it('an empty state, then every resource with its status, cloud id and last order', async () => {
    const sim = await simulator();
    const repo = makeRepo([desktop('a1')]);
    const empty = await cli(repo, sim, ['state', 'list']);
    expect(empty).toMatchObject({ code: 0, stdout: 'The recorded state is empty.\n' });

    await cli(repo, sim, ['reconcile']);
    const [order] = sim.simulator.orders();
    const list = await cli(repo, sim, ['state', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^ADDRESS +STATUS +CLOUD ID +LAST ORDER +UPDATED\\nDesktop/a1 +ordered +- +${order!.order_id} +\\S+\\n$`));
    const json = JSON.parse((await cli(repo, sim, ['state', 'list', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ serial: expect.any(Number), resources: [{ address: 'Desktop/a1', status: 'ordered', order_ids: [order!.order_id] }] });

    const unknown = await cli(repo, sim, ['state', 'show', 'Desktop/nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Error: Desktop/nope is not in the recorded state\nHint: list the recorded addresses with: workspace-gitops state list\n');
  });

  it('shows resources held in doubt, with the journal intent that holds them', async () => {
    const { sim, repo, intent } = await inDoubt({ on: 'order', fault: 'error', status: 503 });
    const list = await cli(repo, sim, ['state', 'list']);
    expect(list.stdout).toMatch(/Desktop\/a1 +in-doubt/);
    expect(list.stdout).toMatch(/Desktop\/a2 +in-doubt/);
    expect(list.stdout).toMatch(/Desktop\/b1 +ordered/);
    const show = JSON.parse((await cli(repo, sim, ['state', 'show', 'Desktop/a1'])).stdout);
    expect(show).toMatchObject({ address: 'Desktop/a1', status: 'in-doubt', in_doubt_intent: intent, journal: [{ id: intent, type: 'createDesktops', addresses: 2 }] });
  });
});

describe('state resolve', () => {
  it('--not-placed settles the whole order, names every address, and the next run orders them once', async () => {
    const { sim, repo, intent } = await inDoubt({ on: 'order', fault: 'error', status: 503 });
    const resolved = await cli(repo, sim, ['state', 'resolve', 'Desktop/a2', '--not-placed']);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toBe(`Settled order intent ${intent} (createDesktops) as not placed; it held 2 addresses:\n  Desktop/a1\n  Desktop/a2\n`);
    // Never placed and never ordered before: their records go away, as if the intent had not been made.
    expect((await cli(repo, sim, ['state', 'list'])).stdout).not.toContain('Desktop/a1');

    const next = await cli(repo, sim, ['reconcile']);
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/✓ createDesktops ord-[0-9a-f]{24} → order CS\w+ \(a1, a2\)/);
    expect(duplicates(sim)).toEqual([]);
    expect([...orderCounts(sim).keys()].sort()).toEqual(['Desktop/a1', 'Desktop/a2', 'Desktop/b1']);
  });

  it('--placed --order-id adopts the order found in the billing console; nothing is ordered again', async () => {
    const { sim, repo, intent } = await inDoubt({ on: 'order', fault: 'drop-after-accept' }, { autoPay: false });
    const [lost] = sim.simulator.orders();
    const resolved = await cli(repo, sim, ['state', 'resolve', 'Desktop/a1', '--placed', '--order-id', lost!.order_id]);
    expect(resolved.stdout).toBe(`Settled order intent ${intent} (createDesktops) as placed; it held 2 addresses:\n  Desktop/a1\n  Desktop/a2\n`);
    expect((await cli(repo, sim, ['state', 'list'])).stdout).toMatch(new RegExp(`Desktop/a2 +ordered \\(awaiting payment\\) +- +${lost!.order_id}`));

    const next = await cli(repo, sim, ['reconcile']);
    expect(next.code).toBe(0);
    expect(sim.simulator.orders()).toHaveLength(2);
    expect(conflictingRequests(sim)).toEqual([]);
    // Once paid, the refresh finds the desktops and records them active under that order.
    sim.simulator.pay(lost!.order_id);
    await cli(repo, sim, ['reconcile']);
    expect((await cli(repo, sim, ['state', 'list'])).stdout).toMatch(new RegExp(`Desktop/a1 +active +\\S+ +${lost!.order_id}`));
  });

  it('refuses what it cannot settle, with what to do instead', async () => {
    const { sim, repo } = await inDoubt({ on: 'order', fault: 'error', status: 503 });
    const neither = await cli(repo, sim, ['state', 'resolve', 'Desktop/a1']);
    expect(neither).toMatchObject({ code: 1, stderr: 'Error: say exactly one of --placed or --not-placed\n' });
    const both = await cli(repo, sim, ['state', 'resolve', 'Desktop/a1', '--placed', '--not-placed']);
    expect(both).toMatchObject({ code: 1, stderr: 'Error: say exactly one of --placed or --not-placed\n' });
    const orderId = await cli(repo, sim, ['state', 'resolve', 'Desktop/a1', '--not-placed', '--order-id', 'CS1']);
    expect(orderId).toMatchObject({ code: 1, stderr: 'Error: --order-id goes with --placed\n' });
    const notInDoubt = await cli(repo, sim, ['state', 'resolve', 'Desktop/b1', '--placed']);
    expect(notInDoubt).toMatchObject({ code: 1, stderr: 'Error: no in-doubt order holds Desktop/b1\nHint: see the in-doubt orders with: workspace-gitops state list\n' });
    // Still in doubt after all that.
    expect((await cli(repo, sim, ['state', 'list'])).stdout).toMatch(/Desktop\/a1 +in-doubt/);
  });

  it('takes the state lock: it fails while another run holds it', async () => {
    const { sim, repo } = await inDoubt({ on: 'order', fault: 'error', status: 503 });
    const holder = new FileStateStore(repo.statePath, { now: () => new Date(), user: 'ci', hostname: 'runner-7', pid: 4242 });
    const lock = await holder.acquireLock({ operation: 'reconcile' });
    onCleanup(async () => {
      await holder.releaseLock(lock);
      await holder.close();
    });
    const resolved = await cli(repo, sim, ['state', 'resolve', 'Desktop/a1', '--not-placed']);
    expect(resolved.code).toBe(1);
    expect(resolved.stderr).toContain(`lock ${lock.info.id} is held by ci@runner-7 (pid 4242) for "reconcile"`);
  });
});

describe('state unlock', () => {
  it('breaks a lock only by its id', async () => {
    const sim = await simulator();
    const repo = makeRepo([desktop('a1')]);
    const none = await cli(repo, sim, ['state', 'unlock', 'some-id']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^Error: state file:\S+state\.json is not locked; there is nothing to unlock\n$/);

    const holder = new FileStateStore(repo.statePath, { now: () => new Date(), user: 'ci', hostname: 'runner-7', pid: 4242 });
    onCleanup(() => holder.close());
    const lock = await holder.acquireLock({ operation: 'apply' });
    const wrong = await cli(repo, sim, ['state', 'unlock', 'not-the-id']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`Error: lock id not-the-id does not match the current lock: held by ci@runner-7 (pid 4242) for "apply" since ${lock.info.since} (lock id ${lock.info.id})`);
    expect(wrong.stderr).toContain(`Hint: to break that lock, run: workspace-gitops state unlock ${lock.info.id}`);
    expect(existsSync(`${repo.statePath}.lock`)).toBe(true);

    const right = await cli(repo, sim, ['state', 'unlock', lock.info.id]);
    expect(right).toMatchObject({ code: 0, stdout: `Released lock ${lock.info.id} (apply by ci@runner-7, pid 4242, since ${lock.info.since}).\n` });
    expect(existsSync(`${repo.statePath}.lock`)).toBe(false);
    // The holder whose lock was broken can no longer write: it finds out instead of corrupting the state.
    await expect(holder.journal.recordIntent({ kind: 'intent', id: 'x', type: 'createDesktops', addresses: ['Desktop/a1'], body: { type: 'createDesktops', resources: [] }, targets: { 'Desktop/a1': { kind: 'Desktop', name: 'a1', spec: {}, spec_hash: '0'.repeat(64) } }, at: new Date().toISOString() }, lock)).rejects.toThrow(/is not locked/);
  });
});
