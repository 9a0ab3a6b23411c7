/** `workspace-gitops simulator` as a real child process: startup line, requests, SIGTERM, SIGKILL, flags. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/workspace/signer.js';
import { ORDER_PATH, PROJECT, call, desktopsBody, pluck } from './support.js';

const BIN = resolve(import.meta.dirname, '../../bin/workspace-gitops.js');
const D = `/v2/${PROJECT}/desktops/detail`;

interface Child {
  proc: ChildProcessWithoutNullStreams;
  url: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

const children: Child[] = [];
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsgo-sim-cli-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await c.exit;
  }
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [BIN, 'simulator', '--listen', '127.0.0.1:0', ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((done) =>
    // 'close', not 'exit': it waits for stdout and stderr to be drained.
    proc.on('close', (code, signal) => done({ code, signal, stdout, stderr })),
  );
  const url = new Promise<string>((done, fail) => {
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (line) => {
      const m = /^Workspace simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) done(m[1]!);
      else fail(new Error(`unexpected first line: ${line}`));
    });
    void exit.then((e) => fail(new Error(`simulator exited (${e.code}) before listening: ${e.stderr}`)));
  });
  const child = { proc, url, exit };
  children.push(child);
  return child;
}

describe('workspace-gitops simulator', () => {
  it('prints its URL, serves requests, and exits 0 on SIGTERM', async () => {
    const child = run(['--project-id', PROJECT, '--data', join(dir, 'sim.jsonl'), '--provision-delay', '0']);
    const url = await child.url;
    expect((await call(url, 'GET', D)).body).toEqual({ desktops: [], total_count: 0 });
    const placed = await call(url, 'POST', ORDER_PATH, desktopsBody());
    expect(placed.status).toBe(200);
    expect((await call(url, 'GET', D)).body.total_count).toBe(1);
    expect((await call(url, 'GET', '/v2/other/desktops/detail')).status).toBe(404);
    child.proc.kill('SIGTERM');
    const exit = await child.exit;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toBe(`Workspace simulator listening on ${url}\n`);
  });

  it('keeps an accepted order through SIGKILL', async () => {
    const data = join(dir, 'sim.jsonl');
    const first = run(['--data', data]);
    const placed = await call(await first.url, 'POST', ORDER_PATH, desktopsBody());
    expect(placed.status).toBe(200);
    first.proc.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    const second = run(['--data', data]);
    const { orders } = (await call(await second.url, 'GET', '/_simulator/orders')).body;
    expect(pluck(orders, 'order_id')).toEqual([placed.body.order_id]);
    second.proc.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
  });

  it('requires signatures with --ak, the secret key coming from the environment only', async () => {
    const child = run(['--ak', 'AKEXAMPLE', '--error-rate', '0'], { WORKSPACE_SIMULATOR_SK: 'SKEXAMPLE' });
    const url = await child.url;
    expect((await call(url, 'GET', D)).status).toBe(401);
    const headers = signRequest({ method: 'GET', url: `${url}${D}`, headers: { 'content-type': 'application/json' } }, { accessKey: 'AKEXAMPLE', secretKey: 'SKEXAMPLE' }, new Date());
    expect((await call(url, 'GET', D, undefined, headers)).status).toBe(200);
    expect(child.proc.spawnargs.join(' ')).not.toContain('SKEXAMPLE');
    child.proc.kill('SIGTERM');
    expect((await child.exit).code).toBe(0);
  });

  it('accepts a token named by --token-env', async () => {
    const child = run(['--token-env', 'MY_SIM_TOKEN'], { MY_SIM_TOKEN: 'token-abcdef' });
    const url = await child.url;
    expect((await call(url, 'GET', D, undefined, { 'X-Auth-Token': 'token-abcdef' })).status).toBe(200);
    expect((await call(url, 'GET', D)).status).toBe(401);
    child.proc.kill('SIGTERM');
    expect((await child.exit).code).toBe(0);
  });

  it.each([
    ['--ak without the secret key in the environment', ['--ak', 'AK'], 'WORKSPACE_SIMULATOR_SK'],
    ['an error rate above 1', ['--error-rate', '2'], '--error-rate 2 is not a fraction'],
    ['an unknown domain type', ['--domain-type', 'AD'], '--domain-type AD'],
  ])('exits 1 for %s', async (_, args, message) => {
    const child = run(args, { WORKSPACE_SIMULATOR_SK: '' });
    void child.url.catch(() => undefined);
    const exit = await child.exit;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(message);
  });
});
