/**
 * `apply [PLANFILE]` and `reconcile` as a user runs them: in-process through main() with a fake Io
 * against the simulator (AK/SK signed), and as real child processes where a process boundary is the
 * point (two concurrent runs, SIGTERM, the quick start).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStateStore, type ResourceRecord } from '../../src/state/index.js';
import type { Plan } from '../../src/plan/index.js';
import type { OrderBody } from '../../src/workspace/order-schema.js';
import {
  cli,
  cloudEnv,
  conflictingRequests,
  desktop,
  duplicates,
  makeRepo,
  onCleanup,
  orderCounts,
  placeDirectly,
  pool,
  runChild,
  simulator,
  spawnCli,
  tempDir,
  untilStderr,
  type Repo,
  type RunningSimulator,
} from '../apply/support.js';
import { copyExampleRepo } from './example-repo.js';

/** An unpaid order for a desktop named `name`, placed by someone else: it claims the name but shows in no read API. */
function foreignOrder(name: string): OrderBody {
  return {
    type: 'createDesktops',
    enterprise_project_id: '0',
    resources: [
      {
        period_type: 2,
        period_num: 1,
        is_auto_renew: 1,
        create_desktops: {
          desktop_type: 'DEDICATED',
          product_id: 'workspace.k.xlarge2.uosv20pro',
          image_type: 'private',
          image_id: 'e1d65e11-861c-459d-a3a8-ab150d79befc',
          root_volume: { type: 'SAS', size: 80 },
          desktops: [{ user_name: 'someone', user_email: 'someone@example.com', user_group: 'users', computer_name: name }],
        },
      },
    ],
    extend_param: { is_auto_pay: 'false' },
  };
}

async function setup(docs: string[], options: { autoPay?: boolean } = {}): Promise<{ sim: RunningSimulator; repo: Repo }> {
  const sim = await simulator();
  return { sim, repo: makeRepo(docs, options) };
}

describe('reconcile: partial failure', () => {
  it('an order the API rejects fails alone; the others are placed; the summary lists both; exit 1', async () => {
    const { sim, repo } = await setup([desktop('a1'), desktop('a2'), desktop('b1', { size: 90 }), pool('ok-pool', 3)]);
    await placeDirectly(sim, foreignOrder('b1'));

    const run = await cli(repo, sim, ['reconcile']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✓ createDesktopPool ord-[0-9a-f]{24} → order CS\w+ \(ok-pool\)/);
    expect(run.stdout).toMatch(/✓ createDesktops ord-[0-9a-f]{24} → order CS\w+ \(a1, a2\)/);
    expect(run.stdout).toMatch(/✗ createDesktops ord-[0-9a-f]{24} failed \(b1\): WKS\.SIM\.1001 .*computer_name "b1" is already used by an existing or ordered desktop/);
    expect(run.stdout).toContain('Result: 2 orders placed, 1 failed, 0 in doubt, 0 not started.');
    // Progress went to stderr as each order settled.
    expect(run.stderr).toMatch(/✗ createDesktops ord-[0-9a-f]{24} failed \(b1\)/);

    const show = await cli(repo, sim, ['state', 'show', 'Desktop/b1']);
    const record = JSON.parse(show.stdout) as ResourceRecord;
    expect(record).toMatchObject({ status: 'failed', order_ids: [], error: { status: 400, code: 'WKS.SIM.1001' } });
    expect(record.error?.message).toContain('computer_name "b1" is already used');
    const list = await cli(repo, sim, ['state', 'list']);
    expect(list.stdout).toMatch(/Desktop\/b1 +failed/);
    expect(list.stdout).toMatch(/Desktop\/a1 +ordered/);
    // The next plan says why it orders b1 again.
    const plan = await cli(repo, sim, ['plan']);
    expect(plan.stdout).toContain('the previous order failed (WKS.SIM.1001:');
  });

  it('--format json reports each order with its status and error', async () => {
    const { sim, repo } = await setup([desktop('a1'), desktop('b1', { size: 90 })]);
    await placeDirectly(sim, foreignOrder('b1'));
    const run = await cli(repo, sim, ['reconcile', '--format', 'json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as { counts: Record<string, number>; rounds: { results: { status: string }[] }[] };
    expect(json.counts).toEqual({ placed: 1, failed: 1, 'in-doubt': 0, 'not-started': 0 });
    const failed = json.rounds[0]!.results.find((r) => r.status === 'failed');
    expect(failed).toMatchObject({ type: 'createDesktops', addresses: ['Desktop/b1'], order_id: null, error: { status: 400, code: 'WKS.SIM.1001' } });
  });
});

describe('policies', () => {
  it('a deny policy blocks the whole run: exit 3, nothing ordered', async () => {
    const { sim, repo } = await setup([desktop('a1'), desktop('b1', { size: 90 })]);
    mkdirSync(join(repo.dir, 'policies'));
    writeFileSync(
      join(repo.dir, 'policies', 'disks.yaml'),
      [
        'apiVersion: workspace-gitops/v1',
        'kind: Policy',
        'metadata: {name: small-disks}',
        'spec:',
        '  enforcement: deny',
        '  match: {kinds: [Desktop]}',
        '  rules:',
        '    - name: root-at-most-80',
        '      expression: resource.spec.root_volume.size <= 80',
        '      message: system disks above 80 GB need approval',
        '',
      ].join('\n'),
    );
    const run = await cli(repo, sim, ['reconcile']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('system disks above 80 GB need approval');
    expect(run.stdout).toContain('Denied by policy: no order was placed.');
    expect(sim.simulator.requests()).toEqual([]);
  });
});

describe('the state lock', () => {
  it('a second apply fails at once, naming who holds the lock, and orders nothing', async () => {
    const { sim, repo } = await setup([desktop('a1')]);
    const holder = new FileStateStore(repo.statePath, { now: () => new Date(), user: 'ci', hostname: 'runner-7', pid: 4242 });
    const lock = await holder.acquireLock({ operation: 'apply' });
    onCleanup(async () => {
      await holder.releaseLock(lock);
      await holder.close();
    });

    const started = Date.now();
    const run = await cli(repo, sim, ['apply', '--auto-approve']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`is locked: lock ${lock.info.id} is held by ci@runner-7 (pid 4242) for "apply" since ${lock.info.since}`);
    expect(run.stderr).toContain(`Hint: if that process is gone, break the lock with: workspace-gitops state unlock ${lock.info.id}`);
    expect(sim.simulator.requests()).toEqual([]);
  });

  it('two real processes: the second fails while the first places its orders, then the first finishes', async () => {
    const sim = await simulator({ faults: { latencyMs: 300 } });
    // Six orders one at a time, 300 ms each: the first run holds the lock for seconds after its first order.
    const repo = makeRepo([80, 90, 100, 110, 120, 130].map((size) => desktop(`d${size}`, { size })));
    const first = spawnCli(['-C', repo.config, 'reconcile', '--parallelism', '1', '--endpoint', sim.url], cloudEnv(sim));
    await untilStderr(first, '✓');
    const second = await runChild(repo, sim, ['apply', '--auto-approve']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`(pid ${first.pid}) for "reconcile"`);
    expect(second.stdout).toBe('');
    const done = await first.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Result: 6 orders placed');
    expect(duplicates(sim)).toEqual([]);
    expect(sim.simulator.orders()).toHaveLength(6);
  });
});

describe('apply PLANFILE', () => {
  it('applies a fresh saved plan exactly: the simulator receives the plan’s bodies byte for byte', async () => {
    const { sim, repo } = await setup([desktop('a1'), desktop('a2'), desktop('b1', { size: 90 }), pool('plan-pool', 4)]);
    const planFile = join(repo.dir, 'plan.json');
    const planned = await cli(repo, sim, ['plan', '--refresh', '--out', planFile]);
    expect(planned.code).toBe(0);
    const saved = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
    expect(saved.orders).toHaveLength(3);

    const applied = await cli(repo, sim, ['apply', planFile]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Result: 3 orders placed, 0 failed, 0 in doubt, 0 not started.');
    const received = sim.simulator.requests().map((r) => JSON.stringify(r.body));
    expect(received.sort()).toEqual(saved.orders.map((o) => JSON.stringify(o.body)).sort());
    expect(sim.simulator.requests().every((r) => r.outcome === 'accepted')).toBe(true);
  });

  it('refuses a plan made before the desired state changed, saying what moved, and orders nothing', async () => {
    const { sim, repo } = await setup([desktop('a1')]);
    const planFile = join(repo.dir, 'plan.json');
    await cli(repo, sim, ['plan', '--out', planFile]);
    const digest = (JSON.parse(readFileSync(planFile, 'utf8')) as Plan).bound_to.desired_digest;
    repo.write([desktop('a1'), desktop('a2')]);

    const applied = await cli(repo, sim, ['apply', planFile]);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(new RegExp(`^Error: the saved plan is stale: the desired state changed \\(digest ${digest.slice(0, 12)} → [0-9a-f]{12}\\)\\n`));
    expect(applied.stderr).toContain('Hint: make a new plan (workspace-gitops plan --out FILE) and apply that');
    expect(sim.simulator.requests()).toEqual([]);
  });

  it('refuses a plan made before the recorded state was written again', async () => {
    const { sim, repo } = await setup([desktop('a1'), desktop('b1', { size: 90 }), desktop('c1', { size: 100 })]);
    const planFile = join(repo.dir, 'plan.json');
    expect((await cli(repo, sim, ['reconcile', '--target', 'Desktop/c1'])).code).toBe(0);
    await cli(repo, sim, ['plan', '--out', planFile]);
    const serial = (JSON.parse(readFileSync(planFile, 'utf8')) as Plan).bound_to.state_serial;
    expect((await cli(repo, sim, ['reconcile', '--target', 'Desktop/a1'])).code).toBe(0);
    const before = sim.simulator.requests().length;

    const applied = await cli(repo, sim, ['apply', planFile]);
    expect(applied.code).toBe(1);
    const moved = /^Error: the saved plan is stale: the recorded state was written since \(serial (\d+) → (\d+)\)\n/.exec(applied.stderr);
    expect(moved, applied.stderr).not.toBeNull();
    expect(Number(moved![1])).toBe(serial);
    expect(Number(moved![2])).toBeGreaterThan(serial);
    expect(sim.simulator.requests()).toHaveLength(before);
  });

  it('refuses a plan made when there was no recorded state yet, once there is one', async () => {
    const { sim, repo } = await setup([desktop('a1'), desktop('b1', { size: 90 })]);
    const planFile = join(repo.dir, 'plan.json');
    await cli(repo, sim, ['plan', '--out', planFile]);
    expect((await cli(repo, sim, ['reconcile', '--target', 'Desktop/a1'])).code).toBe(0);

    const applied = await cli(repo, sim, ['apply', planFile]);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/^Error: the saved plan is stale: the recorded state was written since \(it did not exist when the plan was made; now serial [1-9]\d*\)\n/);
    expect(sim.simulator.orders()).toHaveLength(1);
  });
});

describe('apply without a plan file', () => {
  it('needs --auto-approve when there is no terminal to ask on, and orders nothing', async () => {
    const { sim, repo } = await setup([desktop('a1')]);
    const run = await cli(repo, sim, ['apply']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Error: apply needs confirmation, and this is not an interactive terminal\nHint: pass --auto-approve (or apply a saved plan file made with plan --out)\n',
    );
    expect(sim.simulator.requests()).toEqual([]);
    expect(existsSync(repo.statePath)).toBe(false);
  });

  it('shows the plan and asks; anything but yes orders nothing', async () => {
    const { sim, repo } = await setup([desktop('a1'), desktop('b1', { size: 90 })]);
    const questions: string[] = [];
    const run = await cli(repo, sim, ['apply'], { confirm: (q) => (questions.push(q), Promise.resolve(false)) });
    expect(questions).toEqual(["\nPlace these 2 orders? They are billed. Only 'yes' is accepted:"]);
    expect(run.stdout).toContain('Orders (2):');
    expect(run.stdout).toContain('Cancelled: no order was placed.');
    expect(run.code).toBe(1);
    expect(sim.simulator.requests()).toEqual([]);

    const yes = await cli(repo, sim, ['apply'], { confirm: () => Promise.resolve(true) });
    expect(yes.code).toBe(0);
    expect(sim.simulator.orders()).toHaveLength(2);
  });
});

describe('payment', () => {
  it('with is_auto_pay false the orders wait for payment; --wait reports it and fails when its deadline passes', async () => {
    const { sim, repo } = await setup([desktop('a1'), desktop('a2')], { autoPay: false });
    const run = await cli(repo, sim, ['reconcile', '--wait', '--wait-timeout', '0s']);
    const [order] = sim.simulator.orders();
    expect(order!.status).toBe(6);
    expect(run.stdout).toContain(`… Desktop/a1: order ${order!.order_id} waits for payment`);
    expect(run.stdout).toContain('Stopped waiting: the --wait-timeout passed.');
    expect(run.code).toBe(1);

    const list = await cli(repo, sim, ['state', 'list']);
    expect(list.stdout).toMatch(new RegExp(`Desktop/a1 +ordered \\(awaiting payment\\) +- +${order!.order_id}`));
    const plan = JSON.parse((await cli(repo, sim, ['plan', '--refresh', '--format', 'json'])).stdout) as Plan;
    expect(plan.changes.map((c) => [c.address, c.action, c.reason])).toEqual(
      ['Desktop/a1', 'Desktop/a2'].map((a) => [a, 'no-op', `order ${order!.order_id} waits for payment (pay it in the billing console, or set billing.is_auto_pay); nothing more to order`]),
    );
    expect(plan.orders).toEqual([]);

    // Paid in the console: the next reconcile finds the desktops and records them active.
    sim.simulator.pay(order!.order_id);
    expect((await cli(repo, sim, ['reconcile'])).code).toBe(0);
    expect((await cli(repo, sim, ['state', 'list'])).stdout).toMatch(/Desktop\/a1 +active/);
    expect(sim.simulator.orders()).toHaveLength(1);
  });
});

describe('signals', () => {
  it('SIGTERM: the order in flight is journaled, no new one starts, the lock is released; the next run orders the rest once', async () => {
    const sim = await simulator({ faults: { latencyMs: 200 } });
    const repo = makeRepo([desktop('a1'), desktop('b1', { size: 90 }), desktop('c1', { size: 100 }), pool('sig-pool', 2)]);
    const child = spawnCli(['-C', repo.config, 'reconcile', '--parallelism', '1', '--endpoint', sim.url], cloudEnv(sim));
    await untilStderr(child, '✓');
    child.kill('SIGTERM');
    const stopped = await child.done;
    expect(stopped.signal).toBeNull();
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain('Interrupted: no new order was started after the signal; orders in flight were journaled.');
    expect(stopped.stdout).toMatch(/- createDesktops ord-[0-9a-f]{24} not started \(\w+\): stopped by a signal before it started/);
    const placed = sim.simulator.orders().length;
    expect(placed).toBeGreaterThanOrEqual(1);
    expect(placed).toBeLessThan(4);
    expect(stopped.stdout).toContain(`Result: ${placed} order${placed === 1 ? '' : 's'} placed, 0 failed, 0 in doubt, ${4 - placed} not started.`);
    expect(existsSync(`${repo.statePath}.lock`)).toBe(false);

    const rest = await runChild(repo, sim, ['reconcile']);
    expect(rest.code).toBe(0);
    expect(rest.stdout).not.toContain('Settled in-doubt');
    expect(rest.stdout).toContain(`Result: ${4 - placed} order`);
    expect(duplicates(sim)).toEqual([]);
    expect(conflictingRequests(sim)).toEqual([]);
    expect(orderCounts(sim).size).toBe(4);
  });
});

describe('the quick start (npm start)', () => {
  it('reconciles the example repository on the embedded simulator; the second run has nothing to do', { timeout: 60_000 }, async () => {
    const copy = copyExampleRepo(tempDir('wsgo-quickstart-'));
    const start = () => spawnCli(['-C', join(copy, 'workspace-gitops.yaml'), 'reconcile', '--simulate'], {}).done;

    const first = await start();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Result: \d+ orders placed, 0 failed, 0 in doubt, 0 not started\./);
    const second = await start();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('No orders needed. Everything is up to date.');
    expect(second.stdout).toContain('Plan: 0 to create, 0 to update, 0 blocked; 0 orders');
    expect(second.stderr).toBe('');
  });
});
