/** Shared helpers for the daemon tests: git repositories in temp folders, desired-state files, polling, metrics. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Timers } from '../../src/daemon/index.js';

export const PROJECT = '0bec5db98280d2d02fd6c00c2de791ce';

const temps: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `wsgo-${prefix}-`));
  temps.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** git with an identity and no global config, so the machine's settings cannot change the outcome. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}

export const CONFIG_YAML = `region: cn-north-4
project_id: ${PROJECT}
desired_state: desired-state
policies: policies
billing: {period_type: month, period_num: 1, is_auto_renew: true, is_auto_pay: true}
domain_type: LOCAL_AD
`;

/** A valid Desktop document; desktops made with the same defaults batch into one createDesktops order. */
export function desktopYaml(name: string, user: string, extra: { dataVolumes?: number } = {}): string {
  const volumes = Array.from({ length: extra.dataVolumes ?? 1 }, () => '{type: SAS, size: 100}').join(', ');
  return `apiVersion: workspace-gitops/v1
kind: Desktop
metadata:
  name: ${name}
spec:
  desktop_type: DEDICATED
  availability_zone: cn-north-4a
  product_id: workspace.k.xlarge2.uosv20pro
  image_type: private
  image_id: e1d65e11-861c-459d-a3a8-ab150d79befc
  root_volume: {type: SAS, size: 80}
  data_volumes: [${volumes}]
  nics: [{subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c}]
  security_groups: [{id: 5b8a1c3e-0000-4000-8000-000000000001}]
  user: {user_name: ${user}, user_email: ${user}@example.com, user_group: users}
`;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

/** A bare repository (the "remote") and a working clone that commits and pushes to it. */
export interface Remote {
  bare: string;
  url: string;
  work: string;
  commit(files: Record<string, string>, message: string): string;
}

export function makeRemote(initial: Record<string, string>): Remote {
  const dir = tempDir('remote');
  const bare = path.join(dir, 'desired.git');
  const work = path.join(dir, 'work');
  git(dir, 'init', '--quiet', '--bare', bare);
  git(dir, 'init', '--quiet', work);
  git(work, 'remote', 'add', 'origin', bare);
  const commit = (files: Record<string, string>, message: string): string => {
    writeFiles(work, files);
    git(work, 'add', '--all');
    git(work, 'commit', '--quiet', '-m', message);
    git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    return git(work, 'rev-parse', 'HEAD').trim();
  };
  commit(initial, 'initial desired state');
  return { bare, url: `file://${bare}`, work, commit };
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs` with the last state. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The value of one series in a Prometheus text exposition, or undefined when it is absent. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (wanted.every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Timers on a fake clock: nothing fires until the test advances it. */
export class FakeTimers implements Timers {
  ms = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  readonly now = () => new Date(this.ms);
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { at: this.ms + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown): void => void this.pending.delete(handle as number);
  get scheduled(): number[] {
    return [...this.pending.values()].map((p) => p.at - this.ms);
  }
  /** Moves the clock forward and fires what fell due. */
  advance(ms: number): void {
    this.ms += ms;
    for (const [id, p] of [...this.pending]) {
      if (p.at <= this.ms) {
        this.pending.delete(id);
        p.fn();
      }
    }
  }
}
