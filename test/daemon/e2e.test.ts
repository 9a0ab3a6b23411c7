/**
 * The daemon as a user runs it: a real child process following a bare git repository on a one-second
 * schedule, ordering through the signed HTTP client against the simulator running in this process.
 * A pushed commit that adds desktops is ordered by the first run that sees it; the runs after it
 * order nothing; /metrics shows the runs; SIGTERM ends it with exit 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { CONFIG_YAML, PROJECT, desktopYaml, makeRemote, metric, removeTemps, tempDir, waitFor } from './support.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/workspace-gitops.js');
const AK = 'AKE2ETESTDAEMON0001';
const SK = 'e2e-secret-key-that-must-never-be-logged';

interface LogLine {
  msg: string;
  level: string;
  run?: number;
  [field: string]: unknown;
}

interface DaemonChild {
  proc: ChildProcessWithoutNullStreams;
  logs: () => LogLine[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: DaemonChild[] = [];
const simulators: RunningSimulator[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await c.exit;
  }
  for (const s of simulators.splice(0)) await s.close();
});
afterAll(removeTemps);

function spawnDaemon(args: string[], cwd: string): DaemonChild {
  const proc = spawn(process.execPath, [BIN, 'daemon', ...args], {
    cwd,
    env: { ...process.env, HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, WORKSPACE_GITOPS_WEBHOOK_SECRET: '' },
    stdio: 'pipe',
  });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  proc.stdout.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => proc.on('exit', (code, signal) => done({ code, signal })));
  const logs = () =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const child = { proc, logs, stderr: () => stderr, exit };
  children.push(child);
  return child;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  return res.text();
}

describe('workspace-gitops daemon, end to end', () => {
  it('orders a pushed commit within one scheduled run, then orders nothing more, and exits 0 on SIGTERM', async () => {
    const sim = await startSimulator({ projectId: PROJECT, credentials: { accessKey: AK, secretKey: SK } });
    simulators.push(sim);
    const remote = makeRemote({ 'workspace-gitops.yaml': CONFIG_YAML, 'desired-state/platform.yaml': desktopYaml('alice-dev', 'alice') });
    const home = tempDir('daemon-e2e');
    const daemon = spawnDaemon(
      ['--repo', remote.url, '--branch', 'main', '--cache-dir', 'checkout', '--state', 'file:state/state.json', '--endpoint', sim.url, '--schedule', '*/1 * * * * *', '--listen', '127.0.0.1:0'],
      home,
    );
    void daemon.exit.then((e) => {
      if (e.code !== null && e.code !== 0) console.error(daemon.stderr());
    });
    const url = await waitFor('the daemon to listen', () => daemon.logs().find((l) => l.msg === 'daemon listening')?.['url'] as string | undefined);

    // The startup run orders what the first commit declares.
    await waitFor('the first order', () => (sim.simulator.orders().length === 1 ? true : undefined));
    expect(sim.simulator.orders()[0]!.type).toBe('createDesktops');

    const pushed = remote.commit({ 'desired-state/design.yaml': `${desktopYaml('bob-dev', 'bob')}---\n${desktopYaml('carol-dev', 'carol')}` }, 'add bob and carol');
    await waitFor('the pushed desktops to be ordered', () => (sim.simulator.orders().length === 2 ? true : undefined));
    const second = sim.simulator.orders()[1]!;
    const names = (second.body.resources[0] as { create_desktops: { desktops: { computer_name: string }[] } }).create_desktops.desktops.map((d) => d.computer_name);
    expect(names).toEqual(['bob-dev', 'carol-dev']);

    // The first run that saw the pushed revision is the one that placed the order (its log lines may
    // trail the simulator's record by a moment: the outcome is journaled before it is logged).
    const sawPush = await waitFor('the run that saw the push to finish', () => {
      const saw = daemon.logs().find((l) => l.msg === 'source ready' && l['revision'] === pushed);
      return saw && daemon.logs().find((l) => l.msg === 'run finished' && l.run === saw.run);
    });
    expect(sawPush).toMatchObject({ trigger: 'schedule', result: 'success', orders_placed: 1 });
    expect(daemon.logs().filter((l) => l.msg === 'order placed').map((l) => l.run)).toEqual([1, sawPush.run]);

    // Two more ticks: each plans nothing and orders nothing.
    const lastRun = sawPush.run!;
    await waitFor('two more finished runs', () => (daemon.logs().filter((l) => l.msg === 'run finished' && (l.run ?? 0) > lastRun).length >= 2 ? true : undefined));
    expect(sim.simulator.orders()).toHaveLength(2);
    const later = daemon.logs().filter((l) => l.msg === 'run finished' && (l.run ?? 0) > lastRun);
    expect(later.every((l) => l['result'] === 'success' && l['orders_placed'] === 0 && l['revision'] === pushed)).toBe(true);

    const text = await scrape(url);
    expect(metric(text, 'workspace_gitops_orders_placed_total', { type: 'createDesktops' })).toBe(2);
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'success' })).toBeGreaterThanOrEqual(lastRun + 2);
    expect(metric(text, 'workspace_gitops_runs_total', { result: 'failed' })).toBe(0);
    expect(metric(text, 'workspace_gitops_changes_pending')).toBe(0);
    expect(metric(text, 'workspace_gitops_last_success_timestamp_seconds')).toBeGreaterThan(0);
    // A tick that lands during a run becomes its follow-up ('queued') rather than starting one.
    const ticks = ['started', 'queued'].map((decision) => metric(text, 'workspace_gitops_triggers_total', { source: 'schedule', decision }) ?? 0);
    expect(ticks[0]! + ticks[1]!).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(SK);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // The state lives where --state says, outside the checkout the daemon resets.
    expect(existsSync(path.join(home, 'state/state.json'))).toBe(true);
    expect(existsSync(path.join(home, 'checkout/.workspace-gitops'))).toBe(false);

    daemon.proc.kill('SIGTERM');
    expect(await daemon.exit).toEqual({ code: 0, signal: null });
    expect(daemon.logs().at(-1)?.msg).toBe('daemon stopped');
    expect(daemon.stderr()).not.toContain(SK);
    expect(sim.simulator.orders()).toHaveLength(2);
  });
});
