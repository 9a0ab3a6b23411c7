/**
 * The production install the container image makes: package.json, the lock file, bin/ and dist/ only,
 * `npm ci --omit=dev --ignore-scripts`, then the CLI must run. CI cannot build images here, so this is
 * the image's install path without Docker. It never reaches the registry: npm runs with --offline and
 * installs from the cache that the project's own `npm ci` filled.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyExampleRepo } from './cli/example-repo.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/**
 * `npm ci --offline` needs each package's metadata from the cache (the lock file carries no tarball
 * URLs). A cache filled by `npm ci` holds the abbreviated metadata npm asks for first; one filled by
 * `npm install` may hold only the full documents, which npm requests when --before is set. Both
 * attempts are offline: npm fails with ENOTCACHED rather than touch the network.
 */
function installOffline(dir: string): void {
  const base = ['ci', '--omit=dev', '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--loglevel=error'];
  const env = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  let last = '';
  for (const extra of [[], ['--before=9999-12-31']]) {
    const r = spawnSync(NPM, [...base, ...extra], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return;
    last = `${r.stdout}\n${r.stderr}`;
    if (!last.includes('ENOTCACHED')) break;
  }
  throw new Error(`the offline production install failed (run npm ci in the project first to fill the npm cache):\n${last}`);
}

function cli(bin: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the production install (the container image path)', () => {
  it('installs runtime dependencies only, and the CLI runs from it', { timeout: 180_000 }, () => {
    expect(existsSync(path.join(ROOT, 'dist/cli/main.js')), 'dist/ is missing: build first with npx tsc -p tsconfig.build.json').toBe(true);
    const app = temp('wsgo-install-');
    for (const entry of ['package.json', 'package-lock.json', 'bin', 'dist']) cpSync(path.join(ROOT, entry), path.join(app, entry), { recursive: true });
    installOffline(app);

    const installed = readdirSync(path.join(app, 'node_modules'));
    for (const runtime of ['commander', 'pino', 'simple-git', 'node-cron', 'chokidar', 'yaml', 'ajv']) expect(installed).toContain(runtime);
    for (const dev of ['typescript', 'vitest', 'eslint', '@types']) expect(installed).not.toContain(dev);

    const bin = path.join(app, 'bin/workspace-gitops.js');
    const help = cli(bin, ['--help'], app);
    expect(help.status).toBe(0);
    for (const command of ['validate', 'plan', 'apply', 'reconcile', 'daemon']) expect(help.stdout).toContain(command);
    const daemonHelp = cli(bin, ['daemon', '--help'], app);
    expect(daemonHelp.status).toBe(0);
    expect(daemonHelp.stdout).toContain('--schedule <cron>');

    // validate on a copy of the example repository, from outside the project.
    const repo = copyExampleRepo(temp('wsgo-install-repo-'));
    const valid = cli(bin, ['validate'], repo);
    expect(valid.stderr).toBe('');
    expect(valid.status).toBe(0);
    expect(valid.stdout).toMatch(/^Valid: \d+ resources in \d+ files/m);
  });

  it('is what the Dockerfile installs: production dependencies, no scripts, non-root, daemon by default', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD [^\n]*\/healthz/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["daemon"/m);
  });
});
