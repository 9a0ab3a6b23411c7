/** `plan` run in-process through main() on a copy of the example repository, as a user or a CI job sees it. */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PlanSchema, type Plan } from '../../src/plan/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { FileStateStore } from '../../src/state/index.js';
import { compile } from '../../src/validation/ajv.js';
import { createWorkspaceClient } from '../../src/workspace/index.js';
import { REPO_ROOT, exampleCopy } from './example-repo.js';
import { cliAt } from './run-cli.js';

const NOW = new Date('2026-03-01T08:00:00.000Z');
const validate = compile<Plan>(PlanSchema);
const run = cliAt(NOW);

function planFrom(stdout: string): Plan {
  const parsed: unknown = JSON.parse(stdout);
  expect(validate(parsed) ? [] : validate.errors).toEqual([]);
  return parsed as Plan;
}

let repo: string;
let config: string;
beforeEach(() => {
  repo = exampleCopy('wsgo-plan-cli-');
  config = path.join(repo, 'workspace-gitops.yaml');
});

describe('plan', () => {
  it('--format json writes the plan alone on stdout: pure JSON that validates against PlanSchema', async () => {
    const r = await run(['-C', config, 'plan', '--format', 'json'], repo);
    expect(r.code).toBe(0);
    const plan = planFrom(r.stdout);
    expect(plan.summary).toMatchObject({ create: 10, blocked: 1, orders: 7 });
    expect(plan.bound_to).toMatchObject({ git_revision: null, state_lineage: '', state_serial: 0 });
    expect(plan.created_at).toBe(NOW.toISOString());
    expect(r.stderr).toBe('');
  });

  it('prints text by default, ending with the summary line', async () => {
    const r = await run(['-C', config, 'plan'], repo);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Plan: 10 to create, 0 to update, 1 blocked; 7 orders');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('--format markdown prints a PR comment', async () => {
    const r = await run(['-C', config, 'plan', '--format', 'markdown'], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### workspace-gitops plan\n\n\*\*Plan: 10 to create, 0 to update, 1 blocked; 7 orders\*\*/);
  });

  it('--detailed-exitcode exits 2 when there are changes', async () => {
    expect((await run(['-C', config, 'plan', '--detailed-exitcode'], repo)).code).toBe(2);
  });

  it('--detailed-exitcode exits 0 when there is nothing to do', async () => {
    rmSync(path.join(repo, 'desired-state'), { recursive: true });
    cpSync(path.join(REPO_ROOT, 'desired-state/shared/profiles.yaml'), path.join(repo, 'desired-state/profiles.yaml'));
    const r = await run(['-C', config, 'plan', '--detailed-exitcode'], repo);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Plan: 0 to create, 0 to update, 0 blocked; 0 orders');
  });

  it('--out saves the plan for apply, exactly as --format json prints it, and says so on stderr', async () => {
    const r = await run(['-C', config, 'plan', '--format', 'json', '--out', 'plans/next.json'], repo);
    expect(r.code).toBe(0);
    const saved = path.join(repo, 'plans/next.json');
    expect(readFileSync(saved, 'utf8')).toBe(r.stdout);
    expect(r.stderr).toBe('Saved the plan to plans/next.json; apply it with: workspace-gitops apply plans/next.json\n');
  });

  it('--target limits the plan to the named resources (repeatable)', async () => {
    const r = await run(['-C', config, 'plan', '--format', 'json', '--target', 'Desktop/bob-dev', '--target', 'UserSharer/platform-collaboration'], repo);
    expect(r.code).toBe(0);
    const plan = planFrom(r.stdout);
    expect(plan.targets).toEqual(['Desktop/bob-dev', 'UserSharer/platform-collaboration']);
    expect(plan.changes.map((c) => c.address)).toEqual(['Desktop/bob-dev', 'UserSharer/platform-collaboration']);
    expect(plan.orders.map((o) => o.addresses)).toEqual([['Desktop/bob-dev'], ['UserSharer/platform-collaboration']]);
  });

  it('refuses an unknown --target with exit 1, saying how targets are written', async () => {
    const r = await run(['-C', config, 'plan', '--target', 'Desktop/nobody'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Error: --target Desktop/nobody: no such resource in the desired or recorded state');
    expect(r.stderr).toContain('Hint: use Kind/name, e.g. --target Desktop/alice-dev');
  });

  it('refuses an invalid desired state with exit 1 and orders nothing', async () => {
    const file = path.join(repo, 'desired-state/teams/platform.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('profile: linux-standard', 'profile: linux-standart'));
    const r = await run(['-C', config, 'plan'], repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/desired-state\/teams\/platform\.yaml:\d+:\d+: unknown-profile: no DesktopProfile named "linux-standart"; did you mean "linux-standard"\?/);
  });
});

/** Places a plan's orders on the simulator persisted under .workspace-gitops/, through the journal, as apply would. */
async function applyOrders(dir: string, plan: Plan): Promise<void> {
  const projectId = '0bec5db98280d2d02fd6c00c2de791ce';
  const sim = await startSimulator({ dataFile: path.join(dir, '.workspace-gitops/simulator.jsonl'), projectId, now: () => NOW });
  const client = createWorkspaceClient({ endpoint: sim.url, bssEndpoint: sim.url, projectId });
  const store = new FileStateStore(path.join(dir, '.workspace-gitops/state.json'), { now: () => NOW });
  const lock = await store.acquireLock({ operation: 'test apply' });
  try {
    for (const o of plan.orders) {
      await store.journal.recordIntent({ kind: 'intent', id: o.id, type: o.type, addresses: o.addresses, body: o.body, targets: o.targets, at: NOW.toISOString() }, lock);
      const { order_id } = await client.placeOrder(o.body);
      await store.journal.recordOutcome({ kind: 'outcome', intent_id: o.id, result: 'placed', order_id, at: NOW.toISOString() }, lock);
    }
  } finally {
    await store.releaseLock(lock);
    await store.close();
    await client.close();
    await sim.close();
  }
}

describe('plan --refresh --simulate', () => {
  it('reads the embedded simulator: learns ids, promotes ordered resources, plans what needed them, and converges', async () => {
    await applyOrders(repo, planFrom((await run(['-C', config, 'plan', '--format', 'json'], repo)).stdout));

    // Without --refresh, the journal says ordered and nothing more is known.
    const plain = planFrom((await run(['-C', config, 'plan', '--format', 'json'], repo)).stdout);
    expect(plain.refreshed).toBe(false);
    expect(plain.summary).toMatchObject({ create: 0, blocked: 1, orders: 0 });

    const r = await run(['-C', config, '--simulate', 'plan', '--refresh', '--format', 'json'], repo);
    expect(r.code).toBe(0);
    const plan = planFrom(r.stdout);
    expect(plan.refreshed).toBe(true);
    expect(plan.drift).toEqual([]);
    expect(plan.summary).toMatchObject({ create: 1, update: 0, blocked: 0, no_op: 10, orders: 1 });
    const internet = plan.orders[0]!;
    expect(internet.type).toBe('applyDesktopsInternet');
    expect(internet.body.resources[0]!.apply_desktops_internet!.desktop_ids).toHaveLength(2);
    expect((await run(['-C', config, '--simulate', 'plan', '--refresh', '--detailed-exitcode'], repo)).code).toBe(2);

    await applyOrders(repo, plan);
    const done = await run(['-C', config, '--simulate', 'plan', '--refresh', '--detailed-exitcode'], repo);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('; refreshed from the cloud');
    expect(done.stdout.trimEnd().split('\n').at(-1)).toBe('Plan: 0 to create, 0 to update, 0 blocked; 0 orders');
    // plan never writes: the recorded state is as the journal left it.
    expect(existsSync(path.join(repo, '.workspace-gitops/state.json'))).toBe(false);
  });
});
