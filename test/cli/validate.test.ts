/** `validate` run in-process through main(), as a user or a CI job sees it: output and exit code. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { cleanTempDirsAfterAll, desktop, profile, tempRepo } from '../desired/helpers.js';
import { cliAt } from './run-cli.js';

cleanTempDirsAfterAll();

const EXAMPLE_REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STACK_LINE = /^\s+at .+/m;

const run = cliAt(new Date('2026-01-01T00:00:00Z'));

interface JsonReport {
  valid: boolean;
  resources: number;
  files: number;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** A repository with a config and a desired-state folder holding two mistakes. */
function brokenRepo(): string {
  return tempRepo({
    'workspace-gitops.yaml': 'region: cn-north-4\n',
    'desired-state/teams/a.yaml': desktop(['  root_volume: {type: SAS, size: 85}']),
    'desired-state/teams/b.yaml': desktop(['  desktop_type: LAPTOP'], 'bob-dev'),
  });
}

describe('validate on the example repository', () => {
  it('finds it valid: exit 0, a summary on stdout, nothing on stderr', async () => {
    const r = await run(['validate'], EXAMPLE_REPO);
    expect(r).toEqual({ code: 0, stdout: 'Valid: 11 resources in 8 files and 11 policies in 11 files (0 errors, 0 warnings).\n', stderr: '' });
  });

  it('prints the same verdict as JSON', async () => {
    const r = await run(['validate', '--format', 'json'], EXAMPLE_REPO);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, resources: 11, files: 8, policies: 11, policy_files: 11, errors: [], warnings: [] });
    expect(r.stderr).toBe('');
  });
});

describe('validate on a broken repository', () => {
  it('lists every error as file:line:column: rule: message (allowed: …) and exits 1, without a stack trace', async () => {
    const r = await run(['validate'], brokenRepo());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'desired-state/teams/a.yaml:6:34: root-volume-size: 85 is not a multiple of 10 (allowed: 80-32760 GB in multiples of 10)',
        'desired-state/teams/b.yaml:6:17: desktop-type: "LAPTOP" is not allowed (allowed: DEDICATED, SHARED)',
        'Invalid: 2 errors, 0 warnings.',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('writes pure JSON on stdout with --format json, and still exits 1', async () => {
    const r = await run(['validate', '--format', 'json'], brokenRepo());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.valid).toBe(false);
    expect(report.errors.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`)).toEqual(['desired-state/teams/a.yaml:6:34 root-volume-size', 'desired-state/teams/b.yaml:6:17 desktop-type']);
    expect(report.errors[0]).toEqual({
      file: 'desired-state/teams/a.yaml',
      line: 6,
      column: 34,
      severity: 'error',
      rule: 'root-volume-size',
      message: '85 is not a multiple of 10',
      allowed: '80-32760 GB in multiples of 10',
    });
  });

  it('shows paths relative to the config folder when run from elsewhere with -C', async () => {
    const repo = brokenRepo();
    const r = await run(['-C', path.join(repo, 'workspace-gitops.yaml'), 'validate'], path.dirname(repo));
    expect(r.stderr.split('\n')[0]).toMatch(/^desired-state\/teams\/a\.yaml:6:34: root-volume-size/);
  });

  it('validates the folder given with --dir instead of the configured one', async () => {
    const repo = brokenRepo();
    mkdirSync(path.join(repo, 'good'));
    const r = await run(['--dir', 'good', 'validate'], repo);
    expect(r).toEqual({ code: 0, stdout: 'Valid: 0 resources in 0 files (0 errors, 0 warnings).\n', stderr: '' });
  });
});

describe('validate under the configured domain type', () => {
  it.each([
    ['LOCAL_AD', 0, ''],
    ['LITE_AD', 1, 'desired-state/d.yaml:7:16: user-name: "1alice" is not valid (allowed: LITE_AD: 1-20 letters, digits, hyphens and underscores, starting with a letter)\nInvalid: 1 error, 0 warnings.\n'],
  ])('judges user_name 1alice under domain_type %s', async (domainType, code, stderr) => {
    const repo = tempRepo({ 'workspace-gitops.yaml': `domain_type: ${domainType}\n`, 'desired-state/d.yaml': desktop(['  user:', '    user_name: 1alice']) });
    const r = await run(['validate'], repo);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(stderr);
  });
});

describe('validate with warnings only', () => {
  it('prints the warning and still exits 0', async () => {
    const repo = tempRepo({ 'desired-state/p.yaml': profile(['  desktop_type: DEDICATED']), 'desired-state/d.yaml': desktop() });
    const r = await run(['validate'], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'desired-state/p.yaml:4:9: warning: unused-profile: DesktopProfile/linux-standard is not used by any Desktop or DesktopPool\nValid: 1 resource in 2 files (0 errors, 1 warning).\n',
    );
    const json = JSON.parse((await run(['validate', '--format', 'json'], repo)).stdout) as JsonReport;
    expect(json.valid).toBe(true);
    expect(json.warnings.map((d) => d.rule)).toEqual(['unused-profile']);
  });
});

describe('validate with a broken or missing config', () => {
  it('reports config problems at their line, in text and in JSON', async () => {
    const repo = tempRepo({ 'workspace-gitops.yaml': 'regoin: cn-north-4\n' });
    const text = await run(['validate'], repo);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      'workspace-gitops.yaml:1:1: unknown-field: unknown field "regoin"; did you mean "region"? (allowed: region, project_id, enterprise_project_id, desired_state, policies, state, endpoint, bss_endpoint, billing, domain_type)\nError: the config file workspace-gitops.yaml is not valid\n',
    );
    const json = await run(['validate', '--format', 'json'], repo);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as JsonReport).errors.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`)).toEqual(['workspace-gitops.yaml:1:1 unknown-field']);
  });

  it('refuses -C missing.yaml with a hint, exit 1', async () => {
    const r = await run(['-C', 'missing.yaml', 'validate'], tempRepo());
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: the config file missing.yaml does not exist\nHint: create it (see the example workspace-gitops.yaml) or leave out -C to use defaults\n' });
  });

  it('refuses a folder given as the config file, and shows a stack trace only with --debug', async () => {
    const repo = tempRepo();
    mkdirSync(path.join(repo, 'config.yaml'));
    const plain = await run(['-C', 'config.yaml', 'validate'], repo);
    expect(plain).toEqual({ code: 1, stdout: '', stderr: 'Error: the config file config.yaml is a folder\nHint: point -C at the workspace-gitops.yaml file itself\n' });

    const debug = await run(['-C', 'config.yaml', 'validate', '--debug'], repo);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(STACK_LINE);
  });

  it('refuses an unknown --format', async () => {
    const r = await run(['validate', '--format', 'yaml'], EXAMPLE_REPO);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/argument 'yaml' is invalid/);
  });
});

describe('validate checks the policies too', () => {
  it('reports a CEL syntax error at its line and column and exits 1', async () => {
    const repo = tempRepo({
      'workspace-gitops.yaml': 'region: cn-north-4\n',
      'desired-state/a.yaml': desktop([]),
      'policies/images.yaml': [
        'apiVersion: workspace-gitops/v1',
        'kind: Policy',
        'metadata: {name: images}',
        'spec:',
        '  enforcement: deny',
        '  match: {kinds: [Desktop]}',
        '  rules:',
        '    - name: allowed',
        '      expression: "resource.spec.image_id in ["',
        '',
      ].join('\n'),
    });
    const r = await run(['validate', '--format', 'json'], repo);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.valid).toBe(false);
    const error = report.errors.find((d) => d.file === 'policies/images.yaml');
    expect(error).toBeDefined();
    expect(error!.line).toBe(9);
    // The expression ends right after `[`: column 47 of line 9 is where CEL wanted more.
    expect(error!.column).toBe(47);
  });
});
