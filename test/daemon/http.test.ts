/** /healthz, /readyz and /metrics: routes, readiness rules (first run, stuck lock) and the exposition format. */
import { describe, expect, it } from 'vitest';
import { createHandler, DaemonMetrics, METRICS_CONTENT_TYPE, parseListen, readiness, type HttpRequest } from '../../src/daemon/index.js';
import type { LockInfo } from '../../src/state/types.js';
import { metric } from './support.js';

const get = (path: string, method = 'GET'): HttpRequest => ({ method, path, headers: {}, body: Buffer.alloc(0) });
const NOW = new Date('2026-03-01T08:00:00.000Z');
const SELF = { pid: 4242, hostname: 'daemon-host' };

function lock(overrides: Partial<LockInfo>): LockInfo {
  return { id: 'lock-1', operation: 'apply', who: 'ops@laptop', pid: 77, since: '2026-03-01T07:00:00.000Z', state: 'file:/srv/state.json', ...overrides };
}

describe('routes', () => {
  const metrics = new DaemonMetrics({ version: '1.2.3', mode: 'reconcile' });
  const handler = createHandler({ metrics: () => metrics.render(), readiness: () => Promise.resolve({ ready: false, reasons: ['no run has finished yet'], last_run: null, lock: null }) });

  it('answers /healthz while the process lives, also to HEAD', async () => {
    expect(await handler(get('/healthz'))).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await handler(get('/healthz', 'HEAD'))).status).toBe(200);
  });

  it('answers /readyz with 503 and the reasons until ready', async () => {
    const res = await handler(get('/readyz'));
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body!)).toMatchObject({ ready: false, reasons: ['no run has finished yet'] });
  });

  it('serves /metrics as Prometheus text and 404/405 elsewhere', async () => {
    const res = await handler(get('/metrics'));
    expect(res.headers?.['content-type']).toBe(METRICS_CONTENT_TYPE);
    expect(res.body).toContain('# TYPE workspace_gitops_runs_total counter');
    expect((await handler(get('/nope'))).status).toBe(404);
    expect((await handler(get('/metrics', 'POST'))).status).toBe(405);
    expect((await handler(get('/metrics/'))).status).toBe(200);
  });
});

describe('readiness', () => {
  const lastRun = () => ({ result: 'success' });

  it('is ready after a run finished and with no lock', async () => {
    expect(await readiness({ lastRun, readLock: () => Promise.resolve(undefined), now: () => NOW, stuckAfterMs: 60_000, self: SELF })).toMatchObject({ ready: true, reasons: [] });
  });

  it('is not ready before the first run finishes', async () => {
    expect((await readiness({ lastRun: () => undefined, readLock: () => Promise.resolve(undefined), now: () => NOW, stuckAfterMs: 60_000, self: SELF })).ready).toBe(false);
  });

  it('is not ready while another process holds the lock longer than the threshold', async () => {
    const r = await readiness({ lastRun, readLock: () => Promise.resolve(lock({})), now: () => NOW, stuckAfterMs: 30 * 60_000, self: SELF });
    expect(r.ready).toBe(false);
    expect(r.reasons[0]).toContain('workspace-gitops state unlock lock-1');
    expect(r.lock?.stuck).toBe(true);
  });

  it('does not call a lock stuck when it is young or our own', async () => {
    const young = await readiness({ lastRun, readLock: () => Promise.resolve(lock({ since: '2026-03-01T07:59:00.000Z' })), now: () => NOW, stuckAfterMs: 30 * 60_000, self: SELF });
    expect(young.ready).toBe(true);
    const ours = await readiness({ lastRun, readLock: () => Promise.resolve(lock({ pid: SELF.pid, who: `wsgo@${SELF.hostname}` })), now: () => NOW, stuckAfterMs: 60_000, self: SELF });
    expect(ours.ready).toBe(true);
  });
});

describe('DaemonMetrics', () => {
  it('counts runs by result, orders by type, and keeps the duration histogram cumulative', () => {
    const m = new DaemonMetrics({ version: '1.2.3', mode: 'plan-only' });
    m.triggered('schedule', 'started');
    m.runStarted();
    expect(metric(m.render(), 'workspace_gitops_run_in_progress')).toBe(1);
    m.runFinished({ result: 'success', durationMs: 1_500, finishedAt: NOW, placed: { createDesktops: 2 }, failed: {}, inDoubt: 0, pending: 3, blocked: 1 });
    m.runFinished({ result: 'failed', durationMs: 40_000, finishedAt: new Date(NOW.getTime() + 60_000), placed: { createDesktops: 1, addVolumes: 1 }, failed: { addVolumes: 1 } });
    const text = m.render();
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'success' })).toBe(1);
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'failed' })).toBe(1);
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'denied' })).toBe(0);
    expect(metric(text, 'workspace_gitops_orders_placed_total', { type: 'createDesktops' })).toBe(3);
    expect(metric(text, 'workspace_gitops_orders_failed_total', { type: 'addVolumes' })).toBe(1);
    expect(metric(text, 'workspace_gitops_triggers_total', { source: 'schedule', decision: 'started' })).toBe(1);
    // The failed run reported no gauges: the last known values stay.
    expect(metric(text, 'workspace_gitops_changes_pending')).toBe(3);
    expect(metric(text, 'workspace_gitops_changes_blocked')).toBe(1);
    expect(metric(text, 'workspace_gitops_orders_in_doubt')).toBe(0);
    expect(metric(text, 'workspace_gitops_last_success_timestamp_seconds')).toBe(NOW.getTime() / 1000);
    expect(metric(text, 'workspace_gitops_run_duration_seconds_bucket', { le: '2.5' })).toBe(1);
    expect(metric(text, 'workspace_gitops_run_duration_seconds_bucket', { le: '60' })).toBe(2);
    expect(metric(text, 'workspace_gitops_run_duration_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(metric(text, 'workspace_gitops_run_duration_seconds_sum')).toBe(41.5);
    expect(metric(text, 'workspace_gitops_daemon_info', { mode: 'plan-only', version: '1.2.3' })).toBe(1);
  });

  it('writes well-formed exposition lines: HELP and TYPE once per metric, escaped label values', () => {
    const m = new DaemonMetrics({ version: 'v"1\\2\n', mode: 'reconcile' });
    const text = m.render();
    expect(text).toContain('workspace_gitops_daemon_info{version="v\\"1\\\\2\\n",mode="reconcile"} 1');
    const names = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    expect(new Set(names).size).toBe(names.length);
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [-+\dNaInf.e]+)$/);
    expect(metric(text, 'workspace_gitops_last_success_timestamp_seconds')).toBe(0);
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    [':9464', { host: '0.0.0.0', port: 9464 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
  ])('%s', (value, expected) => expect(parseListen(value)).toEqual(expected));

  it.each(['9464', '127.0.0.1', 'host:99999', '[::1]', 'a:b'])('refuses %s', (value) => expect(() => parseListen(value)).toThrow(/HOST:PORT/));
});
