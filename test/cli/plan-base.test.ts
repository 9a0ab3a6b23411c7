/**
 * `plan --base REF` on a git clone of the example repository, as a PR job runs it: the working tree
 * (the PR's HEAD) against the desired state committed at REF, with the example policies, reading no
 * state and no credentials.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlanSchema, type Plan } from '../../src/plan/index.js';
import { compile } from '../../src/validation/ajv.js';
import { git, removeTemps, tempDir } from '../daemon/support.js';
import { copyExampleRepo } from './example-repo.js';
import { runCli, type CliRun } from './run-cli.js';

const validate = compile<Plan>(PlanSchema);
afterAll(removeTemps);

/** The example repository committed on main in a fresh clone-like work tree; returns the folder and the commit. */
function exampleRepo(): { dir: string; base: string } {
  const dir = copyExampleRepo(tempDir('plan-base'));
  git(dir, 'init', '--quiet');
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'base');
  return { dir, base: git(dir, 'rev-parse', 'HEAD').trim() };
}

/** `plan ARGV` in `dir` with no credentials in the environment: a --base plan must not need them. */
function plan(dir: string, ...argv: string[]): Promise<CliRun> {
  return runCli(['plan', ...argv], dir);
}

function planJson(out: string): Plan {
  const value: unknown = JSON.parse(out);
  expect(validate(value) ? [] : validate.errors).toEqual([]);
  return value as Plan;
}

/** A desktop that meets the example policies (profile, tags, naming). */
function exampleDesktop(name: string, user: string, dataVolumes?: number): string {
  const volumes = dataVolumes === undefined ? '' : `\n  data_volumes: [${Array.from({ length: dataVolumes }, () => '{type: SAS, size: 100}').join(', ')}]`;
  return `apiVersion: workspace-gitops/v1
kind: Desktop
metadata:
  name: ${name}
  labels: {team: platform, tier: prod}
spec:
  profile: linux-standard
  user: {user_name: ${user}, user_email: ${user}@example.com, user_group: sudo}
  tags: [{key: team, value: platform}, {key: cost-center, value: cc-1001}]${volumes}
`;
}

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

describe('plan --base', () => {
  it('shows only what the change would order, with placeholder ids in update orders, and touches no state', async () => {
    const { dir, base } = exampleRepo();
    edit(path.join(dir, 'desired-state/shared/pools.yaml'), (t) => t.replace(/^ {2}size: 20$/m, '  size: 25'));
    writeFileSync(path.join(dir, 'desired-state/teams/new.yaml'), exampleDesktop('dave-dev', 'dave'));
    const { code, stdout: out } = await plan(dir, '--base', 'main', '--format', 'json', '--detailed-exitcode');
    expect(code).toBe(2);
    const p = planJson(out);
    const acted = p.changes.filter((c) => c.action !== 'no-op').map((c) => [c.address, c.action, c.operation]);
    expect(acted).toEqual([
      ['DesktopPool/training-pool', 'update', 'expandDesktopPool'],
      ['Desktop/dave-dev', 'create', 'createDesktops'],
    ]);
    const expand = p.orders.find((o) => o.type === 'expandDesktopPool')!;
    expect(JSON.stringify(expand.body)).toContain('"pool_id":"placeholder:DesktopPool/training-pool"');
    expect(p.bound_to.state_lineage).toBe(`base:${base}`);
    expect(p.policy.denied).toBe(false);
    expect(p.bound_to.policies_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(path.join(dir, '.workspace-gitops'))).toBe(false);
  });

  it('exits 0 with --detailed-exitcode when the change orders nothing', async () => {
    const { dir } = exampleRepo();
    edit(path.join(dir, 'desired-state/teams/platform.yaml'), (t) => `# a comment only\n${t}`);
    const { code, stdout: out } = await plan(dir, '--base', 'HEAD', '--detailed-exitcode');
    expect(code).toBe(0);
    expect(out).toContain('Compared with the desired state at HEAD');
  });

  it('blocks a resource the change deletes instead of ignoring it', async () => {
    const { dir } = exampleRepo();
    edit(path.join(dir, 'desired-state/teams/platform.yaml'), (t) => t.split('\n---\n').slice(0, -1).join('\n---\n'));
    const p = planJson((await plan(dir, '--base', 'main', '--format', 'json')).stdout);
    const blocked = p.changes.filter((c) => c.action === 'blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.reason).toContain('no longer in the desired state');
  });

  it('exits 3 when the change breaks a deny policy, with the violation in the PR comment', async () => {
    const { dir } = exampleRepo();
    writeFileSync(path.join(dir, 'desired-state/teams/new.yaml'), exampleDesktop('erin-dev', 'erin', 4));
    const { code, stdout: out } = await plan(dir, '--base', 'main', '--format', 'markdown');
    expect(code).toBe(3);
    expect(out).toContain('max-data-disks');
    expect(out).toContain('4 data disks; at most 3');
    expect(out).toMatch(/Compared with the desired state at `main` \(`[0-9a-f]{12}`\)/);
  });

  it('reads the base from git objects, not from the working tree', async () => {
    const { dir } = exampleRepo();
    git(dir, 'checkout', '--quiet', '-b', 'feature');
    writeFileSync(path.join(dir, 'desired-state/teams/new.yaml'), exampleDesktop('dave-dev', 'dave'));
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', 'add dave');
    const against = async (ref: string) => planJson((await plan(dir, '--base', ref, '--format', 'json')).stdout).summary.create;
    expect(await against('main')).toBe(1);
    expect(await against('feature')).toBe(0);
    expect(await against('HEAD~1')).toBe(1);
  });

  it.each([
    [['--base', 'no-such-branch'], 'git revision no-such-branch is not in this clone'],
    [['--base', 'main', '--out', 'plan.json'], '--base cannot be combined with --out'],
    [['--base', 'main', '--refresh'], '--base cannot be combined with --refresh'],
  ])('refuses %j', async (argv, message) => {
    const { dir } = exampleRepo();
    const { code, stderr: err } = await plan(dir, ...argv);
    expect(code).toBe(1);
    expect(err).toContain(message);
  });

  it('refuses outside a git repository', async () => {
    const dir = copyExampleRepo(tempDir('plan-base-nogit'));
    const { code, stderr: err } = await plan(dir, '--base', 'main');
    expect(code).toBe(1);
    expect(err).toContain('--base needs a git repository');
  });

  it('names the base revision when its desired state is invalid', async () => {
    const { dir } = exampleRepo();
    writeFileSync(path.join(dir, 'desired-state/teams/broken.yaml'), 'apiVersion: workspace-gitops/v1\nkind: Desktop\nmetadata: {name: x}\nspec: {}\n');
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', 'broken');
    git(dir, 'rm', '--quiet', 'desired-state/teams/broken.yaml');
    const { code, stderr: err } = await plan(dir, '--base', 'HEAD');
    expect(code).toBe(1);
    expect(err).toMatch(/the desired state at HEAD \([0-9a-f]{12}\) has \d+ errors?/);
    expect(err).toContain('desired-state/teams/broken.yaml');
  });
});
