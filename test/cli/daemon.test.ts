/** `workspace-gitops daemon` through main(): refusals with exit 1, then a local daemon that stops with exit 0. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CONFIG_YAML, desktopYaml, makeRemote, removeTemps, tempDir, waitFor, writeFiles } from '../daemon/support.js';
import { captureIo } from './run-cli.js';

afterAll(removeTemps);

function localRepo(): string {
  const dir = tempDir('cli-daemon');
  writeFiles(dir, { 'workspace-gitops.yaml': CONFIG_YAML, 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
  return dir;
}

async function refused(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const io = captureIo(cwd, { env });
  expect(await main(['daemon', ...argv], io)).toBe(1);
  expect(io.out()).toBe('');
  return io.err();
}

describe('workspace-gitops daemon refuses', () => {
  it('to start with nothing that would trigger a run after the first', async () => {
    expect(await refused([], localRepo())).toContain('nothing would trigger a run after the first one');
  });

  it('--watch with --repo', async () => {
    expect(await refused(['--repo', 'file:///nowhere.git', '--watch'], localRepo())).toContain('--watch watches a local folder');
  });

  it('a schedule that is not cron, and a --listen that is not HOST:PORT', async () => {
    expect(await refused(['--schedule', 'every 5 minutes'], localRepo())).toMatch(/schedule "every 5 minutes": not a cron expression/);
    expect(await refused([], localRepo(), { WORKSPACE_GITOPS_SCHEDULE: '61 * * * *' })).toMatch(/not a cron expression/);
    expect(await refused(['--schedule', '* * * * *', '--listen', '9464'], localRepo())).toMatch(/HOST:PORT/);
  });

  it('a webhook secret shorter than 16 characters', async () => {
    expect(await refused([], localRepo(), { WORKSPACE_GITOPS_WEBHOOK_SECRET: 'tooweak1' })).toContain('fewer than 16 characters');
  });

  it('a --state inside the cache folder', async () => {
    const err = await refused(['--repo', 'file:///nowhere.git', '--schedule', '* * * * *', '--cache-dir', 'cache', '--state', 'cache/state.json'], tempDir('cli-daemon'));
    expect(err).toContain('is inside the cache folder');
  });

  it('a repository whose config puts the state inside the checkout', async () => {
    const remote = makeRemote({ 'workspace-gitops.yaml': CONFIG_YAML, 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    const err = await refused(['--repo', remote.url, '--schedule', '* * * * *', '--cache-dir', 'checkout'], tempDir('cli-daemon'));
    expect(err).toMatch(/the state file .*\.workspace-gitops\/state\.json is inside the git checkout/);
    expect(err).toContain('Hint: keep the state outside the checkout');
  });

  it('a local folder whose config is broken', async () => {
    const dir = localRepo();
    writeFiles(dir, { 'workspace-gitops.yaml': 'region: [not, a, region]\n' });
    expect(await refused(['--schedule', '* * * * *'], dir)).toContain('is not valid');
  });
});

describe('workspace-gitops daemon on a local folder', () => {
  it('serves /healthz and /metrics, logs JSON by default, and returns 0 when signalled', async () => {
    const dir = localRepo();
    const controller = new AbortController();
    const io = captureIo(dir, { signal: controller.signal });
    const exit = main(['daemon', '--plan-only', '--schedule', '0 0 1 1 *', '--listen', '127.0.0.1:0'], io);
    const lines = () => io.err().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    const url = await waitFor('the daemon to listen', () => lines().find((l) => l['msg'] === 'daemon listening')?.['url'] as string | undefined);
    await waitFor('the startup run', () => (lines().some((l) => l['msg'] === 'run finished') ? true : undefined));
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('workspace_gitops_runs_total{result="success"} 1');
    expect((await fetch(`${url}/hooks/git`, { method: 'POST', body: '{}' })).status).toBe(404);
    controller.abort();
    expect(await exit).toBe(0);
    expect(lines().at(-1)?.['msg']).toBe('daemon stopped');
    expect(lines().find((l) => l['msg'] === 'daemon listening')).toMatchObject({ mode: 'plan-only', source: 'local', folder: dir, webhook: false });
  });

  it('logs text with --log-format text', async () => {
    const dir = localRepo();
    const controller = new AbortController();
    const io = captureIo(dir, { signal: controller.signal });
    const exit = main(['--log-format', 'text', 'daemon', '--plan-only', '--schedule', '0 0 1 1 *', '--listen', '127.0.0.1:0'], io);
    await waitFor('the startup run', () => (io.err().includes('run finished') ? true : undefined));
    controller.abort();
    expect(await exit).toBe(0);
    expect(io.err()).toMatch(/^daemon listening url=http:\/\/127\.0\.0\.1:\d+ mode=plan-only/m);
    expect(io.err()).not.toContain('{"level"');
    expect(path.isAbsolute(dir)).toBe(true);
  });
});
