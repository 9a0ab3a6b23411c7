/** workspace-gitops.yaml: every key, defaults, problems at their line, and what overrides what. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors.js';
import { at, cleanTempDirsAfterAll, tempRepo, text } from '../desired/helpers.js';

cleanTempDirsAfterAll();

const FULL = text(
  'region: ap-southeast-1',
  'project_id: 0bec5db98280d2d02fd6c00c2de791ce',
  'enterprise_project_id: 5a7f0c36-8f0e-4a8e-9d8f-0b8c7e6d5a41',
  'desired_state: resources',
  'policies: rules',
  'state: file:run/state.json',
  'endpoint: https://workspace.example.test',
  'bss_endpoint: https://bss.example.test',
  'billing:',
  '  period_type: year',
  '  period_num: 2',
  '  is_auto_renew: false',
  '  is_auto_pay: true',
  'domain_type: LITE_AD',
);

/** The InputError loadConfig throws, for its diagnostics. */
async function configError(cwd: string, overrides: Parameters<typeof loadConfig>[1] = {}): Promise<InputError> {
  const error: unknown = await loadConfig(cwd, overrides, {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
  return error;
}

describe('loading the config', () => {
  it('reads every key, resolving folders and the state file against the config folder', async () => {
    const root = tempRepo({ 'repo/workspace-gitops.yaml': FULL });
    const config = await loadConfig(root, { config: 'repo/workspace-gitops.yaml' }, {});
    const repo = path.join(root, 'repo');
    expect(config).toEqual({
      file: path.join(repo, 'workspace-gitops.yaml'),
      root: repo,
      region: 'ap-southeast-1',
      projectId: '0bec5db98280d2d02fd6c00c2de791ce',
      enterpriseProjectId: '5a7f0c36-8f0e-4a8e-9d8f-0b8c7e6d5a41',
      desiredStateDir: path.join(repo, 'resources'),
      policiesDir: path.join(repo, 'rules'),
      state: `file:${path.join(repo, 'run/state.json')}`,
      endpoint: 'https://workspace.example.test',
      bssEndpoint: 'https://bss.example.test',
      billing: { period_type: 'year', period_num: 2, is_auto_renew: false, is_auto_pay: true },
      domainType: 'LITE_AD',
      runtimeDir: path.join(repo, '.workspace-gitops'),
    });
  });

  it('uses defaults rooted at the working folder when there is no config file', async () => {
    const cwd = tempRepo();
    const config = await loadConfig(cwd, {}, {});
    expect(config).toEqual({
      file: undefined,
      root: cwd,
      region: undefined,
      projectId: undefined,
      enterpriseProjectId: '0',
      desiredStateDir: path.join(cwd, 'desired-state'),
      policiesDir: path.join(cwd, 'policies'),
      state: `file:${path.join(cwd, '.workspace-gitops/state.json')}`,
      endpoint: undefined,
      bssEndpoint: undefined,
      billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: false },
      domainType: 'LOCAL_AD',
      runtimeDir: path.join(cwd, '.workspace-gitops'),
    });
  });

  it('finds workspace-gitops.yaml in the working folder and fills billing keys it leaves out', async () => {
    const cwd = tempRepo({ 'workspace-gitops.yaml': text('region: cn-north-4', 'billing: {period_type: year}') });
    const config = await loadConfig(cwd, {}, {});
    expect(config.file).toBe(path.join(cwd, 'workspace-gitops.yaml'));
    expect(config.billing).toEqual({ period_type: 'year', period_num: 1, is_auto_renew: true, is_auto_pay: false });
    // The endpoints follow the region: China regions bill through bss, others through bss-intl.
    expect(config.endpoint).toBe('https://workspace.cn-north-4.myhuaweicloud.com');
    expect(config.bssEndpoint).toBe('https://bss.myhuaweicloud.com');
  });

  it('bills an international region through bss-intl', async () => {
    const cwd = tempRepo({ 'workspace-gitops.yaml': 'region: ap-southeast-3\n' });
    expect((await loadConfig(cwd, {}, {})).bssEndpoint).toBe('https://bss-intl.myhuaweicloud.com');
  });

  it('treats an empty or comment-only file as all defaults', async () => {
    const cwd = tempRepo({ 'workspace-gitops.yaml': '# nothing set\n' });
    const config = await loadConfig(cwd, {}, {});
    expect(config.domainType).toBe('LOCAL_AD');
    expect(config.desiredStateDir).toBe(path.join(cwd, 'desired-state'));
  });

  it('keeps a postgres state location as it is', async () => {
    const cwd = tempRepo({ 'workspace-gitops.yaml': 'state: postgres://wsgo@db.example.test/state\n' });
    expect((await loadConfig(cwd, {}, {})).state).toBe('postgres://wsgo@db.example.test/state');
  });
});

describe('flags and environment', () => {
  it('lets flags win over the file, with flag paths relative to the working folder', async () => {
    const root = tempRepo({ 'repo/workspace-gitops.yaml': FULL });
    const config = await loadConfig(
      root,
      { config: 'repo/workspace-gitops.yaml', dir: 'other/ds', policies: 'other/pol', state: 'file:tmp/s.json', endpoint: 'http://127.0.0.1:8080' },
      { WORKSPACE_ENDPOINT: 'https://from-env.example.test' },
    );
    expect(config.desiredStateDir).toBe(path.join(root, 'other/ds'));
    expect(config.policiesDir).toBe(path.join(root, 'other/pol'));
    expect(config.state).toBe(`file:${path.join(root, 'tmp/s.json')}`);
    expect(config.endpoint).toBe('http://127.0.0.1:8080');
  });

  it('lets the environment win over the file for the project id and the endpoints', async () => {
    const root = tempRepo({ 'workspace-gitops.yaml': FULL });
    const config = await loadConfig(root, {}, {
      HUAWEICLOUD_SDK_PROJECT_ID: 'ffffffffffffffffffffffffffffffff',
      WORKSPACE_ENDPOINT: 'https://from-env.example.test',
      WORKSPACE_BSS_ENDPOINT: 'https://bss-from-env.example.test',
    });
    expect(config.projectId).toBe('ffffffffffffffffffffffffffffffff');
    expect(config.endpoint).toBe('https://from-env.example.test');
    expect(config.bssEndpoint).toBe('https://bss-from-env.example.test');
  });

  it('refuses -C naming a file that does not exist, and says what to do', async () => {
    const cwd = tempRepo();
    const error = await configError(cwd, { config: 'missing.yaml' });
    expect(error.message).toBe('the config file missing.yaml does not exist');
    expect(error.hint).toMatch(/leave out -C to use defaults/);
  });
});

describe('problems in the config, each at its line', () => {
  it.each([
    ['unknown-field', 'regoin: cn-north-4\n', 'unknown-field workspace-gitops.yaml:1:1', /unknown field "regoin"; did you mean "region"\?/],
    ['unknown-field', 'billing:\n  period_typ: year\n', 'unknown-field workspace-gitops.yaml:2:3', /did you mean "period_type"/],
    ['secret-in-config', 'region: cn-north-4\nsk: not-for-here\n', 'secret-in-config workspace-gitops.yaml:2:1', /"sk" looks like a credential/],
    ['secret-in-config', 'password: hunter2\n', 'secret-in-config workspace-gitops.yaml:1:1', /credentials are never read from the config file/],
    ['region', 'region: North China\n', 'region workspace-gitops.yaml:1:9', /"North China" is not valid/],
    ['project-id', 'project_id: ABC\n', 'project-id workspace-gitops.yaml:1:13', /"ABC" is not valid/],
    ['enterprise-project-id', 'enterprise_project_id: all\n', 'enterprise-project-id workspace-gitops.yaml:1:24', /"all" is not valid/],
    ['folder', 'desired_state: ""\n', 'folder workspace-gitops.yaml:1:16', /shorter than 1/],
    ['state-location', 'state: ""\n', 'state-location workspace-gitops.yaml:1:8', /shorter than 1/],
    ['url', 'endpoint: workspace.example.test\n', 'url workspace-gitops.yaml:1:11', /is not valid/],
    ['url', 'bss_endpoint: ftp://bss\n', 'url workspace-gitops.yaml:1:15', /is not valid/],
    ['domain-type', 'domain_type: AD\n', 'domain-type workspace-gitops.yaml:1:14', /"AD" is not allowed/],
    ['period-type', 'billing: {period_type: week}\n', 'period-type workspace-gitops.yaml:1:24', /"week" is not allowed/],
    ['period-num', 'billing: {period_num: 0}\n', 'period-num workspace-gitops.yaml:1:23', /below the minimum 1/],
    ['period-num', 'billing:\n  period_type: year\n  period_num: 4\n', 'period-num workspace-gitops.yaml:3:15', /4 years is more than 3/],
    ['is-auto-renew', 'billing: {is_auto_renew: 1}\n', 'is-auto-renew workspace-gitops.yaml:1:26', /must be boolean/],
    ['is-auto-pay', 'billing: {is_auto_pay: "true"}\n', 'is-auto-pay workspace-gitops.yaml:1:24', /must be boolean/],
    ['type', 'billing: monthly\n', 'type workspace-gitops.yaml:1:10', /must be object, got a string/],
    ['document-shape', '- region: cn-north-4\n', 'document-shape workspace-gitops.yaml:1:1', /must be a mapping/],
    ['document-count', 'region: cn-north-4\n---\nregion: cn-east-3\n', 'document-count workspace-gitops.yaml:3:1', /only one YAML document/],
    ['yaml-syntax', 'region: [cn-north-4\n', 'yaml-syntax workspace-gitops.yaml:2:1', /end with a \]/],
    ['duplicate-key', 'region: cn-north-4\nregion: cn-east-3\n', 'duplicate-key workspace-gitops.yaml:2:1', /unique/],
  ])('%s: %j', async (_rule, content, expected, message) => {
    const cwd = tempRepo({ 'workspace-gitops.yaml': content });
    const error = await configError(cwd);
    expect(error.diagnostics.map(at)).toEqual([expected]);
    expect(error.diagnostics[0]!.message).toMatch(message);
  });

  it('reports every problem of the file at once, in line order', async () => {
    const cwd = tempRepo({ 'workspace-gitops.yaml': text('regoin: cn-north-4', 'billing:', '  period_type: year', '  period_num: 5', 'token: abc') });
    const error = await configError(cwd);
    expect(error.diagnostics.map(at)).toEqual([
      'unknown-field workspace-gitops.yaml:1:1',
      'period-num workspace-gitops.yaml:4:15',
      'secret-in-config workspace-gitops.yaml:5:1',
    ]);
    expect(error.message).toBe('the config file workspace-gitops.yaml is not valid');
    // The credential's value is named nowhere.
    expect(JSON.stringify(error.diagnostics)).not.toContain('abc');
  });

  it('shows the config path relative to the working folder', async () => {
    const root = tempRepo({ 'repo/ci.yaml': 'regoin: x\n' });
    const error = await configError(root, { config: 'repo/ci.yaml' });
    expect(error.diagnostics.map(at)).toEqual(['unknown-field repo/ci.yaml:1:1']);
  });

  it('refuses a config file that is not UTF-8', async () => {
    const cwd = tempRepo({ 'workspace-gitops.yaml': Buffer.from([0x72, 0x3a, 0x20, 0xff, 0x0a]) });
    const error = await configError(cwd);
    expect(error.diagnostics.map(at)).toEqual(['encoding workspace-gitops.yaml:1:4']);
  });
});
