/**
 * `policy check`, `policy test` and the policy gate of plan/apply/reconcile, through the real CLI
 * (main() in-process) on a copy of the example repository, as a CI job would run them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { cli, desktop, makeRepo, simulator } from '../apply/support.js';
import { exampleCopy } from './example-repo.js';
import { cliAt } from './run-cli.js';

const NOW = new Date('2026-11-28T08:00:00.000Z');
const run = cliAt(NOW);

/** The change docs/policies.md walks through: the training pool grows past the pool-size cap. */
function growTrainingPool(repo: string): void {
  const file = path.join(repo, 'desired-state/shared/pools.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('  size: 20', '  size: 150'));
}

let repo: string;
beforeEach(() => {
  repo = exampleCopy('wsgo-policy-cli-');
});

describe('the example repository', () => {
  it('passes every example policy: policy check exits 0 and needs no recorded state', async () => {
    const r = await run(['policy', 'check'], repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('  Plan-scope policies are checked by plan, not here: blast-radius.\n\nPolicy check: 10 policies over 11 resources: 0 denied, 0 warnings.\n');
    expect(existsSync(path.join(repo, '.workspace-gitops'))).toBe(false);
  });

  it('passes every PolicyTest case, and every example policy has one', async () => {
    const r = await run(['policy', 'test'], repo);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Policy tests: (\d+) passed, 0 failed \(\1 cases\)\.$/);
    expect(r.stdout).not.toContain('without a PolicyTest');
  });

  it('plans with all policies evaluated, none failing, bound to the policies digest', async () => {
    const r = await run(['plan', '--format', 'json'], repo);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.policy).toEqual({ evaluated: 11, violations: [], denied: false, warnings: [] });
    expect(plan.bound_to.policies_digest).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the documented failing change', () => {
  it('policy check exits 3 and names the policy, the rule, the resource, the values and file:line:column', async () => {
    growTrainingPool(repo);
    const r = await run(['policy', 'check'], repo);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      [
        '  DENY pool-size-cap/size-within-cap DesktopPool/training-pool at desired-state/shared/pools.yaml:10:9',
        '      the pool has 150 desktops; at most 100 per pool',
        '      resource.spec.size = 150',
        '      params.max_size = 100',
      ].join('\n'),
    );
    expect(r.stdout).toContain('Policy check: 10 policies over 11 resources: 1 denied, 0 warnings. Denied: plan and apply would place no order.');
  });

  it('plan exits 3; the JSON plan carries the violation', async () => {
    growTrainingPool(repo);
    const text = await run(['plan'], repo);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('Denied by policy: no order will be placed, for any resource.');
    const json = await run(['plan', '--format', 'json'], repo);
    expect(json.code).toBe(3);
    const plan = JSON.parse(json.stdout) as Plan;
    expect(plan.policy.denied).toBe(true);
    expect(plan.policy.violations).toEqual([
      {
        policy: 'pool-size-cap',
        rule: 'size-within-cap',
        enforcement: 'deny',
        address: 'DesktopPool/training-pool',
        message: 'the pool has 150 desktops; at most 100 per pool',
        file: 'desired-state/shared/pools.yaml',
        line: 10,
        column: 9,
        values: { 'resource.spec.size': 150, 'params.max_size': 100 },
      },
    ]);
  });

  it('machine formats keep stdout a clean document; GitHub annotations go to stderr', async () => {
    growTrainingPool(repo);
    const env = { GITHUB_ACTIONS: 'true' };
    const json = await run(['policy', 'check', '--format', 'json'], repo, env);
    expect(JSON.parse(json.stdout)).toMatchObject({ denied: true, skipped: ['blast-radius'], resources_checked: 11 });
    expect(json.stderr).toBe('::error file=desired-state/shared/pools.yaml,line=10,col=9,title=policy pool-size-cap/size-within-cap (DesktopPool/training-pool)::the pool has 150 desktops; at most 100 per pool\n');
    const sarif = await run(['policy', 'check', '--format', 'sarif'], repo, env);
    expect(sarif.code).toBe(3);
    expect(JSON.parse(sarif.stdout)).toMatchObject({ version: '2.1.0', runs: [{ results: [{ ruleId: 'pool-size-cap/size-within-cap', level: 'error' }] }] });
    const junit = await run(['policy', 'check', '--format', 'junit'], repo);
    expect(junit.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="workspace-gitops policy check"')).toBe(true);
    expect(junit.stderr).toBe('');
    const text = await run(['policy', 'check'], repo, env);
    expect(text.stdout.startsWith('::error file=desired-state/shared/pools.yaml,line=10,col=9,')).toBe(true);
  });
});

describe('exemptions, the same in policy check and plan', () => {
  function exempt(expires: string): void {
    writeFileSync(
      path.join(repo, 'policies/exemptions.yaml'),
      ['apiVersion: workspace-gitops/v1', 'kind: PolicyExemption', 'metadata: {name: exam-week}', 'spec:', '  policy: pool-size-cap', '  addresses: [DesktopPool/training-*]', '  owner: training-team', '  reason: exam week', `  expires: ${expires}`, ''].join('\n'),
    );
  }

  it('an active exemption lets the change through, still showing it', async () => {
    growTrainingPool(repo);
    exempt('2026-11-28');
    const check = await run(['policy', 'check'], repo);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('  EXEMPT deny pool-size-cap/size-within-cap DesktopPool/training-pool');
    expect(check.stdout).toContain('0 denied, 0 warnings, 1 exempted.');
    const plan = await run(['plan', '--format', 'json'], repo);
    expect(plan.code).toBe(0);
    expect((JSON.parse(plan.stdout) as Plan).policy.violations).toEqual([expect.objectContaining({ rule: 'size-within-cap', exempted_by: 'exam-week' })]);
  });

  it('an expired one no longer applies: both deny, and both say it expired', async () => {
    growTrainingPool(repo);
    exempt('2026-11-27');
    const warning = 'PolicyExemption/exam-week (policies/exemptions.yaml:3) expired on 2026-11-27 and no longer applies to Policy/pool-size-cap; owner: training-team';
    const check = await run(['policy', 'check'], repo);
    expect(check.code).toBe(3);
    expect(check.stdout).toContain(`warning: ${warning}`);
    const plan = await run(['plan', '--format', 'json'], repo);
    expect(plan.code).toBe(3);
    expect((JSON.parse(plan.stdout) as Plan).policy.warnings).toEqual([expect.stringContaining(warning)]);
  });
});

describe('policy test', () => {
  it('a failing case exits 1 and shows the expected and the actual outcome', async () => {
    const file = path.join(repo, 'policies/pool-size-cap.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('resource: {kind: DesktopPool, name: t-cap, spec: {size: 100}}', 'resource: {kind: DesktopPool, name: t-cap, spec: {size: 120}}'));
    const r = await run(['policy', 'test'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  ✗ pool-size-cap › exactly at the cap at policies/pool-size-cap.yaml:');
    expect(r.stdout).toContain('      expected pass, got fail (size-within-cap)\n      size-within-cap: the pool has 120 desktops; at most 100 per pool');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Policy tests: \d+ passed, 1 failed/);
    const junit = await run(['policy', 'test', '--format', 'junit'], repo);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('message="expected pass, got fail (size-within-cap)"');
  });
});

describe('invalid policies stop every command', () => {
  it('a CEL error is reported at its line and column; plan and policy check exit 1', async () => {
    writeFileSync(path.join(repo, 'policies/broken.yaml'), ['apiVersion: workspace-gitops/v1', 'kind: Policy', 'metadata: {name: broken}', 'spec:', '  enforcement: deny', '  rules:', '    - name: typo', '      expression: resource.spec.size >> 2', ''].join('\n'));
    for (const argv of [['policy', 'check'], ['plan'], ['policy', 'test']]) {
      const r = await run(argv, repo);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('policies/broken.yaml:8:39: cel-syntax: rule typo: Unexpected token: GT');
    }
  });
});

describe('a deny blocks every order of apply and reconcile', () => {
  it('places no order at all — not even for the resources that pass — and exits 3', async () => {
    const r = makeRepo([desktop('alice'), desktop('bob', { size: 300 })]);
    mkdirSync(path.join(r.dir, 'policies'));
    writeFileSync(
      path.join(r.dir, 'policies', 'disks.yaml'),
      ['apiVersion: workspace-gitops/v1', 'kind: Policy', 'metadata: {name: disks}', 'spec:', '  enforcement: deny', '  rules:', '    - {name: root, expression: resource.spec.root_volume.size <= 200}', ''].join('\n'),
    );
    const sim = await simulator();
    const reconcile = await cli(r, sim, ['reconcile']);
    expect(reconcile.code).toBe(3);
    expect(reconcile.stdout).toContain('DENY disks/root Desktop/bob');
    const apply = await cli(r, sim, ['apply', '--auto-approve']);
    expect(apply.code).toBe(3);
    expect(sim.simulator.orders()).toEqual([]);
  });
});
