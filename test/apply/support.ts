/**
 * Shared by the apply, crash, faults and CLI apply/state tests: a desired-state repository in a temp
 * folder, the simulator with AK/SK, the CLI in-process (fake Io) or as a real child process, the apply
 * API wired as the CLI wires it, and the one question every test asks: was anything ordered twice?
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { loadDesiredOrThrow } from '../../src/run/plan-run.js';
import type { DesiredState } from '../../src/desired/index.js';
import { reconcile, type RunContext, type RunReport } from '../../src/apply/index.js';
import { FileStateStore } from '../../src/state/index.js';
import { startSimulator, type FaultConfig, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { WorkspaceClient } from '../../src/workspace/client.js';
import { silentLogger, type LogFields, type Logger } from '../../src/log.js';
import type { OrderBody } from '../../src/workspace/order-schema.js';
import { runCli, type CaptureOptions, type CliRun } from '../cli/run-cli.js';

export const BIN = resolve(import.meta.dirname, '../../bin/workspace-gitops.js');
export const PROJECT = '0bec5db98280d2d02fd6c00c2de791ce';
export const AK = 'AKAPPLYTEST000000001';
export const SK = 'SKapplyTestSecret-0123456789abcdef';

// ------------------------------------------------------------------------------------------- cleanup

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Runs after the current test, last registered first. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------------------------- desired state

export interface DesktopOptions {
  /** Desktops sharing `size` (and billing) share a createDesktops order. */
  size?: number;
  user?: string;
  billing?: string;
}

export function desktop(name: string, options: DesktopOptions = {}): string {
  const user = options.user ?? `u-${name}`;
  return [
    'apiVersion: workspace-gitops/v1',
    'kind: Desktop',
    `metadata: {name: ${name}}`,
    'spec:',
    '  desktop_type: DEDICATED',
    '  availability_zone: cn-north-4a',
    '  product_id: workspace.k.xlarge2.uosv20pro',
    '  image_type: private',
    '  image_id: e1d65e11-861c-459d-a3a8-ab150d79befc',
    `  root_volume: {type: SAS, size: ${options.size ?? 80}}`,
    '  nics: [{subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c}]',
    '  security_groups: [{id: 5b8a1c3e-0000-4000-8000-000000000001}]',
    `  user: {user_name: ${user}, user_email: ${user}@example.com, user_group: users}`,
    ...(options.billing ? [`  billing: ${options.billing}`] : []),
  ].join('\n');
}

export function pool(name: string, size = 10): string {
  return [
    'apiVersion: workspace-gitops/v1',
    'kind: DesktopPool',
    `metadata: {name: ${name}}`,
    'spec:',
    '  type: DYNAMIC',
    `  size: ${size}`,
    '  product_id: workspace.x86.ultimate.large2',
    '  image_type: gold',
    '  image_id: 8a1e4c2f-3b5d-4e6f-9a0b-1c2d3e4f5a6b',
    '  root_volume: {type: SSD, size: 100}',
    '  subnet_ids: [2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d]',
  ].join('\n');
}

export function bandwidth(name: string): string {
  return ['apiVersion: workspace-gitops/v1', 'kind: SubnetBandwidth', `metadata: {name: ${name}}`, 'spec:', '  subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c', '  bandwidth_size: 20'].join('\n');
}

export function internet(name: string, desktops: string[]): string {
  return [
    'apiVersion: workspace-gitops/v1',
    'kind: DesktopInternet',
    `metadata: {name: ${name}}`,
    'spec:',
    `  desktops: [${desktops.join(', ')}]`,
    '  eip_type: 5_bgp',
    '  eip_charge_mode: BANDWIDTH',
    '  bandwidth_size: 10',
  ].join('\n');
}

export interface Repo {
  dir: string;
  config: string;
  statePath: string;
  /** Replaces the desired state with these documents. */
  write(docs: string[]): void;
}

/** A desired-state repository: workspace-gitops.yaml (project id, billing) and desired-state/all.yaml. */
export function makeRepo(docs: string[], options: { autoPay?: boolean; prefix?: string } = {}): Repo {
  const dir = tempDir(options.prefix ?? 'wsgo-apply-');
  const config = join(dir, 'workspace-gitops.yaml');
  writeFileSync(config, [`project_id: ${PROJECT}`, 'enterprise_project_id: "0"', `billing: {period_type: month, period_num: 1, is_auto_renew: true, is_auto_pay: ${options.autoPay ?? true}}`, ''].join('\n'));
  mkdirSync(join(dir, 'desired-state'));
  const write = (next: string[]) => writeFileSync(join(dir, 'desired-state', 'all.yaml'), `${next.join('\n---\n')}\n`);
  write(docs);
  return { dir, config, statePath: join(dir, '.workspace-gitops', 'state.json'), write };
}

// ------------------------------------------------------------------------------------------ simulator

/** The simulator with AK/SK checking, closed after the test. */
export async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ projectId: PROJECT, credentials: { accessKey: AK, secretKey: SK }, provisionDelayMs: 0, ...options });
  onCleanup(() => sim.close());
  return sim;
}

/** The environment a real run would have: credentials and the BSS endpoint (the simulator serves both). */
export function cloudEnv(sim: RunningSimulator): Record<string, string> {
  return { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, WORKSPACE_BSS_ENDPOINT: sim.url };
}

/** Places an order outside the reconciler, as another team (or the console) would. */
export async function placeDirectly(sim: RunningSimulator, body: OrderBody): Promise<string> {
  const client = new WorkspaceClient({ endpoint: sim.url, bssEndpoint: sim.url, projectId: PROJECT, auth: { kind: 'aksk', accessKey: AK, secretKey: SK } });
  try {
    return (await client.placeOrder(body)).order_id;
  } finally {
    await client.close();
  }
}

/**
 * How often each resource was ordered, by accepted orders: desktops by computer_name, pools by name,
 * bandwidths by name, EIPs by desktop id.
 */
export function orderCounts(sim: RunningSimulator): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const order of sim.simulator.orders()) {
    for (const resource of order.body.resources) {
      for (const d of resource.create_desktops?.desktops ?? []) add(`Desktop/${d.computer_name ?? '?'}`);
      if (resource.create_desktops?.desktop_name) add(`Desktop/${resource.create_desktops.desktop_name}`);
      if (resource.create_desktop_pool) add(`DesktopPool/${resource.create_desktop_pool.name}`);
      if (resource.apply_subnet_bandwidth) add(`SubnetBandwidth/${resource.apply_subnet_bandwidth.bandwidth_name ?? resource.apply_subnet_bandwidth.subnet_id}`);
      for (const id of resource.apply_desktops_internet?.desktop_ids ?? []) add(`EIP/${id}`);
      if (resource.add_volumes) add(`Volumes/${resource.add_volumes.desktop_id}`);
      if (resource.expand_desktop_pool) add(`Expand/${resource.expand_desktop_pool.pool_id}`);
    }
  }
  return counts;
}

/** The id of the accepted createDesktops order that holds the desktop `computerName`. */
export function orderOf(sim: RunningSimulator, computerName: string): string {
  const order = sim.simulator.orders().find((o) => o.body.resources.some((r) => r.create_desktops?.desktops?.some((d) => d.computer_name === computerName)));
  if (!order) throw new Error(`no accepted order holds desktop ${computerName}`);
  return order.order_id;
}

/** Resources ordered more than once (empty is the only good answer). */
export function duplicates(sim: RunningSimulator): string[] {
  return [...orderCounts(sim)].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
}

/** Order POSTs the simulator refused as a business-rule conflict: a second order for something that exists or was ordered. */
export function conflictingRequests(sim: RunningSimulator): string[] {
  return sim.simulator
    .requests()
    .filter((r) => r.outcome === 'rejected' && (r.error_code ?? '').startsWith('WKS.SIM.'))
    .map((r) => `${r.error_code ?? ''}: ${r.error_msg ?? ''}`);
}

// ------------------------------------------------------------------------------------ CLI in-process

/** `workspace-gitops -C <repo config> ARGS --endpoint <simulator>` in this process, with the credentials and PATH a real run has. */
export function cli(repo: Repo, sim: RunningSimulator, args: string[], io: CaptureOptions = {}): Promise<CliRun> {
  return runCli(['-C', repo.config, ...args, '--endpoint', sim.url], repo.dir, { ...io, env: { PATH: process.env['PATH'], ...cloudEnv(sim), ...io.env } });
}

// -------------------------------------------------------------------------------- CLI child process

export interface ChildRun extends CliRun {
  pid: number;
  signal: NodeJS.Signals | null;
}

export interface ChildHandle {
  pid: number;
  /** Everything written to stdout / stderr so far. */
  output(): { stdout: string; stderr: string };
  kill(signal: NodeJS.Signals): void;
  done: Promise<ChildRun>;
}

/** The real CLI (bin/ → dist/) as a child process; `code` is -1 when it died by a signal. */
export function spawnCli(args: string[], env: Record<string, string>): ChildHandle {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<ChildRun>((settle) =>
    child.on('close', (code, signal) => settle({ pid: child.pid!, code: code ?? -1, signal, stdout, stderr })),
  );
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await done;
  });
  return { pid: child.pid!, output: () => ({ stdout, stderr }), kill: (signal) => void child.kill(signal), done };
}

/** Resolves once the child has written `text` to stderr; fails if it exits first or `timeoutMs` passes. */
export async function untilStderr(child: ChildHandle, text: string, timeoutMs = 20_000): Promise<void> {
  let exited = false;
  void child.done.then(() => (exited = true));
  for (const deadline = Date.now() + timeoutMs; !child.output().stderr.includes(text); ) {
    if (exited || Date.now() > deadline) throw new Error(`the child never wrote "${text}":\n${child.output().stdout}\n${child.output().stderr}`);
    await new Promise((done) => setTimeout(done, 10));
  }
}

/** Runs the CLI against the repo and the simulator in a child process and waits for it. */
export function runChild(repo: Repo, sim: RunningSimulator, args: string[], env: Record<string, string> = {}): Promise<ChildRun> {
  return spawnCli(['-C', repo.config, ...args, '--endpoint', sim.url], { ...cloudEnv(sim), ...env }).done;
}

/** The lock id and pid a "state … is locked" error names. */
export function lockedBy(stderr: string): { id: string; pid: number } | undefined {
  const m = /is locked: lock (\S+) is held by \S+ \(pid (\d+)\)/.exec(stderr);
  return m ? { id: m[1]!, pid: Number(m[2]) } : undefined;
}

// ------------------------------------------------------------------------------- the apply API directly

/** A deterministic random source (mulberry32) for the simulator's fault draws. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock shared by the simulator and the reconciler: it moves only when someone sleeps on it or a test advances it. */
export function sharedClock(start = Date.parse('2026-03-01T08:00:00.000Z')) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
    /** Yields to the event loop like a timer would, then moves time on. */
    sleep: async (ms: number) => {
      sleeps.push(ms);
      await new Promise<void>((done) => setImmediate(done));
      t += ms;
    },
  };
}
export type SharedClock = ReturnType<typeof sharedClock>;

export interface Engine {
  store: FileStateStore;
  client: WorkspaceClient;
  desired(): Promise<DesiredState>;
  /** One reconcile (or apply, with maxRounds 1) under the lock, as the CLI runs it. */
  run(options?: { maxRounds?: number; parallelism?: number; signal?: AbortSignal; ctx?: Partial<RunContext> }): Promise<RunReport>;
}

/** The apply API wired as the CLI wires it, on an injected clock (no real sleeps, no credentials needed). */
export function engine(repo: Repo, sim: RunningSimulator, clock: SharedClock, options: { auth?: boolean } = {}): Engine {
  const store = new FileStateStore(repo.statePath, { now: clock.now });
  const client = new WorkspaceClient({
    endpoint: sim.url,
    bssEndpoint: sim.url,
    projectId: PROJECT,
    ...(options.auth === false ? {} : { auth: { kind: 'aksk' as const, accessKey: AK, secretKey: SK } }),
    now: clock.now,
    sleep: (ms) => clock.sleep(ms),
    random: () => 0.5,
    timeoutMs: 10_000,
  });
  onCleanup(async () => {
    await client.close();
    await store.close();
  });
  const desired = async () => loadDesiredOrThrow(await loadConfig(repo.dir, { config: repo.config }, {}));
  return {
    store,
    client,
    desired,
    async run(runOptions = {}) {
      const lock = await store.acquireLock({ operation: 'test reconcile' });
      try {
        return await reconcile(
          {
            store,
            lock,
            api: client,
            logger: silentLogger,
            now: clock.now,
            sleep: clock.sleep,
            signal: runOptions.signal ?? new AbortController().signal,
            parallelism: runOptions.parallelism ?? 4,
            gitRevision: null,
            ...runOptions.ctx,
          },
          { desired: await desired(), maxRounds: runOptions.maxRounds ?? 5 },
        );
      } finally {
        await store.releaseLock(lock);
      }
    },
  };
}

export interface LogLine {
  level: string;
  message: string;
  fields: LogFields;
}

/** A logger that keeps every line, for asserting what an operator would read in the logs. */
export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const make = (bindings: LogFields): Logger & { lines: LogLine[] } => {
    const at = (level: string) => (message: string, fields: LogFields = {}) => void lines.push({ level, message, fields: { ...bindings, ...fields } });
    return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return make({});
}

/** Counts of order results by status, over every round. */
export function statuses(report: RunReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const round of report.rounds) for (const r of round.results) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

export type { FaultConfig, RunningSimulator };
