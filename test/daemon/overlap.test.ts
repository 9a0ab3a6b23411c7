/**
 * Triggers that arrive while a slow run is in progress (the simulator answers every request after
 * 300 ms) never start a second run: they make one follow-up, which starts only after the first run
 * finished, and no order is placed twice.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { signBody } from '../../src/daemon/index.js';
import { CONFIG_YAML, PROJECT, desktopYaml, metric, removeTemps, tempDir, waitFor, writeFiles } from './support.js';
import { startTestDaemon, type TestDaemon } from './in-process.js';

const SECRET = 'overlap-test-webhook-secret';
const running: { daemons: TestDaemon[]; sims: RunningSimulator[] } = { daemons: [], sims: [] };
afterEach(async () => {
  for (const d of running.daemons.splice(0)) await d.stop();
  for (const s of running.sims.splice(0)) await s.close();
});
afterAll(removeTemps);

async function hook(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = Buffer.from('{"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567"}');
  const res = await fetch(`${url}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signBody(SECRET, body) }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('overlapping triggers', () => {
  it('queue one follow-up run instead of starting a second one during a slow run', async () => {
    const sim = await startSimulator({ projectId: PROJECT, faults: { latencyMs: 300 } });
    running.sims.push(sim);
    const folder = tempDir('overlap');
    writeFiles(folder, { 'workspace-gitops.yaml': CONFIG_YAML, 'desired-state/a.yaml': `${desktopYaml('alice-dev', 'alice')}---\n${desktopYaml('bob-dev', 'bob')}` });
    const daemon = await startTestDaemon(folder, { endpoint: sim.url, overrides: { webhookSecret: SECRET } });
    running.daemons.push(daemon);

    // The startup run is under way and slow: every API call takes 300 ms.
    await waitFor('the startup run to be in progress', () => (daemon.runner.status().running ? true : undefined));
    const first = await hook(daemon.url);
    const second = await hook(daemon.url);
    const tick = daemon.runner.trigger('schedule');
    expect(daemon.runner.status().running).toBe(true);
    expect(first).toEqual({ status: 202, body: { triggered: true, run: 'queued', after: '0123456789abcdef0123456789abcdef01234567' } });
    expect(second.body['run']).toBe('coalesced');
    expect(tick).toBe('coalesced');

    await waitFor('both runs to finish', () => (daemon.logs.filter((l) => l.msg === 'run finished').length === 2 && !daemon.runner.status().running ? true : undefined), 30_000);
    await daemon.runner.idle();

    // Strictly one after the other: started, finished, started, finished.
    const sequence = daemon.logs.filter((l) => l.msg === 'run started' || l.msg === 'run finished').map((l) => `${l.msg}#${String(l['run'])}`);
    expect(sequence).toEqual(['run started#1', 'run finished#1', 'run started#2', 'run finished#2']);
    const finished = daemon.logs.filter((l) => l.msg === 'run finished');
    expect(finished.map((l) => [l['trigger'], l['result'], l['orders_placed']])).toEqual([
      ['startup', 'success', 1],
      ['webhook', 'success', 0],
    ]);
    // One createDesktops order for both desktops: never a duplicate, and no run lost to a held lock.
    expect(sim.simulator.orders()).toHaveLength(1);
    const text = daemon.metrics.render();
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'success' })).toBe(2);
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'failed' })).toBe(0);
    expect(metric(text, 'workspace_gitops_triggers_total', { source: 'webhook', decision: 'queued' })).toBe(1);
    expect(metric(text, 'workspace_gitops_triggers_total', { source: 'webhook', decision: 'coalesced' })).toBe(1);
    expect(metric(text, 'workspace_gitops_triggers_total', { source: 'schedule', decision: 'coalesced' })).toBe(1);
  });

  it('on stop, lets the order in flight finish and be journaled, and starts no other run', async () => {
    const sim = await startSimulator({ projectId: PROJECT, faults: { latencyMs: 300 } });
    running.sims.push(sim);
    const folder = tempDir('overlap-stop');
    writeFiles(folder, { 'workspace-gitops.yaml': CONFIG_YAML, 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    const daemon = await startTestDaemon(folder, { endpoint: sim.url, overrides: { webhookSecret: SECRET } });
    // Planned means the order is about to be posted; its answer takes 300 ms.
    await waitFor('the run to plan its order', () => (daemon.logs.some((l) => l.msg === 'plan' && l['orders'] === 1) ? true : undefined), 30_000, 5);
    expect(daemon.runner.trigger('webhook')).toBe('queued');
    await daemon.stop();
    expect(daemon.runner.status().running).toBe(false);
    expect(daemon.logs.filter((l) => l.msg === 'run started')).toHaveLength(1);
    const finished = daemon.logs.find((l) => l.msg === 'run finished');
    expect(finished).toMatchObject({ orders_placed: 1, in_doubt: 0 });
    expect(sim.simulator.orders()).toHaveLength(1);
    expect(daemon.logs.at(-1)?.msg).toBe('daemon stopped');
    await expect(fetch(`${daemon.url}/healthz`)).rejects.toThrow();
  });
});
