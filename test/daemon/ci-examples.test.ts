/** The CI examples: the workflows parse and run the documented steps; the annotation helper turns reports into annotations. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { removeTemps, tempDir } from './support.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples/ci');
afterAll(removeTemps);

interface Step {
  name?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface GithubWorkflow {
  on: { pull_request?: unknown; push: { branches: string[] } };
  jobs: Record<string, { if: string; steps: Step[]; concurrency: Record<string, unknown> }>;
}
type GitlabPipeline = Record<string, { script: string[]; variables?: Record<string, string>; resource_group?: string; interruptible?: boolean }>;

/** The shapes above are what the assertions rely on; a file that differs fails them. */
const load = <T>(file: string): T => parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as T;

function annotate(reports: unknown[], format?: string): { status: number | null; stdout: string } {
  const dir = tempDir('annotate');
  const files = reports.map((r, i) => {
    const file = path.join(dir, `r${i}.json`);
    writeFileSync(file, JSON.stringify(r));
    return file;
  });
  const r = spawnSync(process.execPath, [path.join(EXAMPLES, 'annotations.mjs'), ...(format ? ['--format', format] : []), ...files], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

const PLAN = {
  changes: [
    { address: 'Desktop/a', action: 'create', reason: 'new', file: 'desired-state/a.yaml', line: 1 },
    { address: 'DesktopPool/p', action: 'blocked', reason: 'shrinking a pool (5 → 3), is not: an order', file: 'desired-state/p.yaml', line: 4 },
  ],
  policy: {
    violations: [
      { policy: 'max-data-disks', rule: 'data-disk-count', enforcement: 'deny', address: 'Desktop/a', message: '4 data disks; at most 3\nsplit them', file: 'desired-state/a.yaml', line: 12 },
      { policy: 'tags', rule: 'cost-center', enforcement: 'warn', address: 'Desktop/a', message: 'no cost-center', file: 'desired-state/a.yaml', line: 3 },
      { policy: 'x', rule: 'y', enforcement: 'audit', address: null, message: 'only recorded', file: null, line: null },
    ],
  },
};

describe('examples/ci/github-actions.yml', () => {
  const wf = load<GithubWorkflow>('github-actions.yml');
  const jobs = (name: string) => wf.jobs[name]!;
  const run = (job: string) => jobs(job).steps.map((s) => s.run ?? '').join('\n');

  it('on a pull request: validates, checks policies, plans against the base with full history, and keeps one comment', () => {
    expect(wf.on.pull_request).toBeDefined();
    expect(jobs('plan').if).toContain('pull_request');
    expect(jobs('plan').steps[0]!.with?.['fetch-depth']).toBe(0);
    expect(run('plan')).toContain('workspace-gitops validate --format json');
    expect(run('plan')).toContain('workspace-gitops policy check');
    expect(run('plan')).toContain('workspace-gitops plan --base "origin/${GITHUB_BASE_REF}" --detailed-exitcode --format markdown');
    expect(JSON.stringify(jobs('plan'))).toContain('<!-- workspace-gitops-plan -->');
    expect(JSON.stringify(jobs('plan'))).toContain('updateComment');
    expect(JSON.stringify(jobs('plan'))).not.toContain('secrets.');
  });

  it('on a push to main: reconciles one run at a time, never cancelled, with credentials and state from secrets', () => {
    expect(wf.on.push.branches).toEqual(['main']);
    expect(jobs('reconcile').concurrency['cancel-in-progress']).toBe(false);
    const step = jobs('reconcile').steps.find((s) => s.name === 'Reconcile')!;
    expect(step.env?.['HUAWEICLOUD_SDK_SK']).toBe('${{ secrets.HUAWEICLOUD_SDK_SK }}');
    expect(step.env?.['WORKSPACE_GITOPS_STATE']).toBe('${{ secrets.WORKSPACE_GITOPS_STATE }}');
    expect(step.run).toContain('workspace-gitops reconcile --state "$WORKSPACE_GITOPS_STATE"');
  });
});

describe('examples/ci/gitlab-ci.yml', () => {
  const ci = load<GitlabPipeline>('gitlab-ci.yml');
  const job = (name: string) => ci[name]!;

  it('runs the same steps on merge requests and reconciles the default branch in a resource group', () => {
    expect(job('plan').variables?.['GIT_DEPTH']).toBe('0');
    expect(job('plan').script.join('\n')).toContain('plan --base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"');
    expect(job('plan').script.join('\n')).toContain('gitlab-comment.mjs');
    expect(job('policy').script).toEqual(['workspace-gitops policy check']);
    expect(job('reconcile').resource_group).toBe('workspace-gitops');
    expect(job('reconcile').interruptible).toBe(false);
    expect(job('reconcile').script.join('\n')).toContain('workspace-gitops reconcile --state "$WORKSPACE_GITOPS_STATE"');
  });
});

describe('examples/ci/annotations.mjs', () => {
  it('writes GitHub errors for deny violations and warnings for blocked changes and warn violations', () => {
    const { status, stdout } = annotate([PLAN]);
    expect(status).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      '::warning file=desired-state/p.yaml,line=4,title=blocked%3A DesktopPool/p::shrinking a pool (5 → 3), is not: an order',
      '::error file=desired-state/a.yaml,line=12,title=policy max-data-disks/data-disk-count on Desktop/a::4 data disks; at most 3%0Asplit them',
      '::warning file=desired-state/a.yaml,line=3,title=policy tags/cost-center on Desktop/a::no cost-center',
    ]);
  });

  it('keeps only plan-scope violations with --policy plan', () => {
    const plan = { ...PLAN, policy: { violations: [...PLAN.policy.violations, { policy: 'blast-radius', rule: 'new-desktops-per-plan', enforcement: 'deny', address: null, message: 'this plan creates 30 desktops', file: 'policies/blast-radius.yaml', line: 14 }] } };
    const dir = tempDir('annotate');
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    const r = spawnSync(process.execPath, [path.join(EXAMPLES, 'annotations.mjs'), '--policy', 'plan', file], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toEqual([
      '::warning file=desired-state/p.yaml,line=4,title=blocked%3A DesktopPool/p::shrinking a pool (5 → 3), is not: an order',
      '::error file=policies/blast-radius.yaml,line=14,title=policy blast-radius/new-desktops-per-plan::this plan creates 30 desktops',
    ]);
  });

  it('reads validate reports too', () => {
    const report = { valid: false, errors: [{ file: 'desired-state/a.yaml', line: 7, column: 3, severity: 'error', rule: 'volume-size', message: '85 is not a multiple of 10', allowed: '80-32760, multiples of 10' }], warnings: [] };
    expect(annotate([report]).stdout.trim()).toBe('::error file=desired-state/a.yaml,line=7,title=invalid%3A volume-size::85 is not a multiple of 10 (allowed: 80-32760, multiples of 10)');
  });

  it('writes a GitLab Code Quality report', () => {
    const issues = JSON.parse(annotate([PLAN], 'gitlab').stdout) as { severity: string; location: { path: string; lines: { begin: number } }; fingerprint: string }[];
    expect(issues.map((i) => [i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['minor', 'desired-state/p.yaml', 4],
      ['critical', 'desired-state/a.yaml', 12],
      ['minor', 'desired-state/a.yaml', 3],
    ]);
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(3);
  });
});
