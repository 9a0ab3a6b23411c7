/**
 * Runs that go wrong — invalid desired state, a deny policy, an order the API refuses — are reported,
 * counted and retried after a back-off, and the daemon keeps serving. Back-off timers are fake: the
 * test moves them on instead of waiting.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { CONFIG_YAML, FakeTimers, PROJECT, desktopYaml, metric, removeTemps, tempDir, waitFor, writeFiles } from './support.js';
import { startTestDaemon, type TestDaemon } from './in-process.js';

const running: { daemons: TestDaemon[]; sims: RunningSimulator[] } = { daemons: [], sims: [] };
afterEach(async () => {
  for (const d of running.daemons.splice(0)) await d.stop();
  for (const s of running.sims.splice(0)) await s.close();
});
afterAll(removeTemps);

const DENY_TWO_DISKS = `apiVersion: workspace-gitops/v1
kind: Policy
metadata: {name: one-data-disk}
spec:
  enforcement: deny
  match: {kinds: [Desktop]}
  rules:
    - name: at-most-one
      expression: 'size(resource.spec.data_volumes) <= 1'
      message: at most one data disk
`;

async function start(files: Record<string, string>, sim?: RunningSimulator): Promise<{ daemon: TestDaemon; timers: FakeTimers; folder: string }> {
  const folder = tempDir('failures');
  writeFiles(folder, { 'workspace-gitops.yaml': CONFIG_YAML, ...files });
  const timers = new FakeTimers();
  const daemon = await startTestDaemon(folder, { ...(sim ? { endpoint: sim.url } : {}), overrides: { timers, backoff: { initialMs: 10_000, maxMs: 40_000 } } });
  running.daemons.push(daemon);
  return { daemon, timers, folder };
}

const finished = (d: TestDaemon) => d.logs.filter((l) => l.msg === 'run finished');
const runsDone = (d: TestDaemon, n: number) => waitFor(`${n} finished runs`, () => (finished(d).length >= n && !d.runner.status().running ? true : undefined));

describe('failed runs', () => {
  it('reports invalid desired state, keeps serving, backs off, and recovers once the files are fixed', async () => {
    const sim = await startSimulator({ projectId: PROJECT });
    running.sims.push(sim);
    const { daemon, timers, folder } = await start({ 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice').replace('size: 80', 'size: 85') }, sim);
    await runsDone(daemon, 1);
    expect(finished(daemon)[0]).toMatchObject({ result: 'failed', error: { code: 'INVALID_INPUT' } });
    expect(daemon.logs.some((l) => l.msg === 'input problem' && l['file'] === 'desired-state/a.yaml')).toBe(true);
    expect(timers.scheduled).toEqual([10_000]);
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);

    // The retry fails again: the delay doubles.
    timers.advance(10_000);
    await runsDone(daemon, 2);
    expect(finished(daemon)[1]).toMatchObject({ trigger: 'retry', result: 'failed' });
    expect(timers.scheduled).toEqual([20_000]);
    // A schedule tick during the back-off waits for it.
    expect(daemon.runner.trigger('schedule')).toBe('deferred');

    writeFiles(folder, { 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    timers.advance(20_000);
    await runsDone(daemon, 3);
    expect(finished(daemon)[2]).toMatchObject({ trigger: 'retry', result: 'success', orders_placed: 1 });
    expect(daemon.runner.status().failures).toBe(0);
    expect(timers.scheduled).toEqual([]);
    const text = daemon.metrics.render();
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'failed' })).toBe(2);
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'success' })).toBe(1);
    expect(metric(text, 'workspace_gitops_triggers_total', { source: 'schedule', decision: 'deferred' })).toBe(1);
  });

  it('places nothing a deny policy blocks, reports it as denied and retries later', async () => {
    const sim = await startSimulator({ projectId: PROJECT });
    running.sims.push(sim);
    const { daemon, timers } = await start({ 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice', { dataVolumes: 2 }), 'policies/one-data-disk.yaml': DENY_TWO_DISKS }, sim);
    await runsDone(daemon, 1);
    expect(finished(daemon)[0]).toMatchObject({ result: 'denied', orders_placed: 0, pending: 1 });
    expect(daemon.logs.find((l) => l.msg === 'policy violation')).toMatchObject({ policy: 'one-data-disk', enforcement: 'deny', address: 'Desktop/alice-dev' });
    expect(sim.simulator.orders()).toEqual([]);
    expect(timers.scheduled).toEqual([10_000]);
    expect(metric(daemon.metrics.render(), 'workspace_gitops_runs_total', { result: 'denied' })).toBe(1);
  });

  it('counts an order the API refuses as failed, by type, and the run as partial', async () => {
    const sim = await startSimulator({ projectId: PROJECT, faults: { next: [{ on: 'order', fault: 'error', status: 400 }] } });
    running.sims.push(sim);
    const { daemon, timers } = await start({ 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') }, sim);
    await runsDone(daemon, 1);
    expect(finished(daemon)[0]).toMatchObject({ result: 'partial', orders_placed: 0, pending: 1 });
    expect(metric(daemon.metrics.render(), 'workspace_gitops_orders_failed_total', { type: 'createDesktops' })).toBe(1);
    // The retry orders it: the refusal placed nothing, so ordering again is safe.
    timers.advance(10_000);
    await runsDone(daemon, 2);
    expect(finished(daemon)[1]).toMatchObject({ result: 'success', orders_placed: 1 });
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('keeps its schedule, without back-off, while only an earlier run\'s order stays in doubt', async () => {
    // The answer to the order is lost and its desktops take an hour to appear: nothing can settle it yet.
    const sim = await startSimulator({ projectId: PROJECT, provisionDelayMs: 3_600_000, faults: { next: [{ on: 'order', fault: 'drop-after-accept' }] } });
    running.sims.push(sim);
    const { daemon, timers } = await start({ 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') }, sim);
    await runsDone(daemon, 1);
    // This run's own order went in doubt: a partial run, retried after the back-off.
    expect(finished(daemon)[0]).toMatchObject({ result: 'partial' });
    expect(timers.scheduled).toEqual([10_000]);
    timers.advance(10_000);
    await runsDone(daemon, 2);
    // The retry finds the order still unsettled (an unaccounted order in billing, no desktop yet) and orders nothing.
    expect(finished(daemon)[1]).toMatchObject({ result: 'in-doubt', orders_placed: 0 });
    // No retry is scheduled: only evidence or an operator can settle it.
    expect(timers.scheduled).toEqual([]);
    expect(daemon.runner.trigger('schedule')).not.toBe('deferred');
    await runsDone(daemon, 3);
    const text = daemon.metrics.render();
    expect(metric(text, 'workspace_gitops_orders_in_doubt', {})).toBe(1);
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'in-doubt' })).toBeGreaterThanOrEqual(1);
    expect(sim.simulator.orders()).toHaveLength(1);
  });

  it('fails a run while another process holds the state lock, and /readyz says the lock is stuck', async () => {
    const lock = { id: 'lock-from-elsewhere', operation: 'apply', who: 'ops@other-host', pid: 999_999, since: new Date(Date.now() - 2 * 3_600_000).toISOString(), state: 'file:state.json' };
    const { daemon } = await start({ 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice'), '.workspace-gitops/state.json.lock': `${JSON.stringify(lock)}\n` });
    await runsDone(daemon, 1);
    expect(finished(daemon)[0]).toMatchObject({ result: 'failed', error: { code: 'STATE_LOCKED' } });
    const ready = await fetch(`${daemon.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { reasons: string[]; lock: { stuck: boolean } };
    expect(body.lock.stuck).toBe(true);
    expect(body.reasons[0]).toContain('workspace-gitops state unlock lock-from-elsewhere');
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
  });
});
