/** The git source against real repositories in temp folders: clone, fetch + hard reset, refusals, redaction. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { GitSource, checkStateOutsideCheckout, gitEnvironment, isInside, loadDaemonConfig, normalizeRepo, parseBranch, redactUrl, resolveStateFlag, urlSecrets } from '../../src/daemon/index.js';
import { CONFIG_YAML, desktopYaml, git, makeRemote, removeTemps, tempDir } from './support.js';

afterAll(removeTemps);

function source(url: string, cacheDir: string, branch = 'main'): GitSource {
  return new GitSource({ url, branch, cacheDir, env: process.env, logger: silentLogger });
}

describe('GitSource', () => {
  it('clones into the cache folder, then fetches and hard-resets to each new commit', async () => {
    const remote = makeRemote({ 'workspace-gitops.yaml': CONFIG_YAML, 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    const cache = path.join(tempDir('cache'), 'checkout');
    const src = source(remote.url, cache);
    const first = await src.sync();
    expect(first.root).toBe(cache);
    expect(first.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(readFileSync(path.join(cache, 'desired-state/a.yaml'), 'utf8')).toContain('alice-dev');

    // Local damage is undone: an edited file, a stray untracked file.
    writeFileSync(path.join(cache, 'desired-state/a.yaml'), 'garbage');
    writeFileSync(path.join(cache, 'desired-state/stray.yaml'), desktopYaml('stray', 'stray'));
    const next = remote.commit({ 'desired-state/b.yaml': desktopYaml('bob-dev', 'bob') }, 'add bob');
    const second = await src.sync();
    expect(second.revision).toBe(next);
    expect(readFileSync(path.join(cache, 'desired-state/a.yaml'), 'utf8')).toContain('alice-dev');
    expect(existsSync(path.join(cache, 'desired-state/b.yaml'))).toBe(true);
    expect(existsSync(path.join(cache, 'desired-state/stray.yaml'))).toBe(false);
  });

  it('follows a force-pushed branch and accepts a plain local path as the repository', async () => {
    const remote = makeRemote({ 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    const cache = path.join(tempDir('cache'), 'c');
    const src = source(normalizeRepo(path.relative(process.cwd(), remote.bare), process.cwd()), cache);
    remote.commit({ 'desired-state/b.yaml': desktopYaml('bob-dev', 'bob') }, 'add bob');
    await src.sync();
    expect(existsSync(path.join(cache, 'desired-state/b.yaml'))).toBe(true);
    // History rewritten upstream: bob's commit is replaced by carol's.
    git(remote.work, 'reset', '--quiet', '--hard', 'HEAD~1');
    writeFileSync(path.join(remote.work, 'desired-state/c.yaml'), desktopYaml('carol-dev', 'carol'));
    git(remote.work, 'add', '--all');
    git(remote.work, 'commit', '--quiet', '-m', 'add carol instead');
    git(remote.work, 'push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/main');
    const rewritten = await src.sync();
    expect(rewritten.revision).toBe(git(remote.work, 'rev-parse', 'HEAD').trim());
    expect(existsSync(path.join(cache, 'desired-state/b.yaml'))).toBe(false);
    expect(existsSync(path.join(cache, 'desired-state/c.yaml'))).toBe(true);
  });

  it('refuses a non-empty folder it did not create, and leaves it untouched', async () => {
    const remote = makeRemote({ 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    const folder = tempDir('foreign');
    writeFileSync(path.join(folder, 'precious.txt'), 'my work');
    await expect(source(remote.url, folder).sync()).rejects.toThrow(/was not created by workspace-gitops/);
    expect(readFileSync(path.join(folder, 'precious.txt'), 'utf8')).toBe('my work');
  });

  it('clones into an empty folder that already exists (a mounted volume)', async () => {
    const remote = makeRemote({ 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    const folder = path.join(tempDir('vol'), 'checkout');
    mkdirSync(folder);
    expect((await source(remote.url, folder).sync()).revision).toMatch(/^[0-9a-f]{40}$/);
  });

  it('fails a missing repository or branch with a clear error and leaves no half clone', async () => {
    const parent = tempDir('cache');
    const missing = source(`file://${path.join(parent, 'nope.git')}`, path.join(parent, 'c'));
    await expect(missing.sync()).rejects.toMatchObject({ code: 'GIT_SOURCE' });
    const remote = makeRemote({ 'a.yaml': 'x: 1\n' });
    await expect(source(remote.url, path.join(parent, 'd'), 'release').sync()).rejects.toThrow(/git clone of .* \(branch release\) failed/);
    // No clone folder (hidden temporary or final) was left behind.
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('URLs, branches and git environment', () => {
  it('hides credentials embedded in an https URL', () => {
    const url = 'https://x-access-token:ghs_abcdefSECRET@github.com/acme/desktops.git';
    expect(redactUrl(url)).toBe('https://***@github.com/acme/desktops.git');
    expect(urlSecrets(url)).toContain('ghs_abcdefSECRET');
    expect(redactUrl('git@github.com:acme/desktops.git')).toBe('git@github.com:acme/desktops.git');
  });

  it('keeps URLs and makes local paths absolute; refuses option-like and ext:: values', () => {
    expect(normalizeRepo('file:///srv/repo.git', '/work')).toBe('file:///srv/repo.git');
    expect(normalizeRepo('git@github.com:acme/d.git', '/work')).toBe('git@github.com:acme/d.git');
    expect(normalizeRepo('../repo.git', '/work/here')).toBe(path.resolve('/work/repo.git'));
    expect(() => normalizeRepo('--upload-pack=evil', '/work')).toThrow();
    expect(() => normalizeRepo('ext::sh -c evil', '/work')).toThrow(/ext::/);
  });

  it('accepts branch names and refuses what could be an option or a bad ref', () => {
    expect(parseBranch('release/2026.1')).toBe('release/2026.1');
    for (const bad of ['-main', 'a..b', 'x.lock', '/main', 'main/', 'with space']) expect(() => parseBranch(bad)).toThrow(/branch name/);
  });

  it('never lets git prompt, keeps the operator’s SSH command and drops other GIT_ variables', () => {
    const env = gitEnvironment({ PATH: '/bin', GIT_SSH_COMMAND: 'ssh -i key', GIT_DIR: '/elsewhere', EDITOR: 'vi', HOME: '/home/x' });
    expect(env).toEqual({ PATH: '/bin', GIT_SSH_COMMAND: 'ssh -i key', HOME: '/home/x', GIT_TERMINAL_PROMPT: '0' });
  });
});

describe('the state stays outside the checkout', () => {
  it('refuses a config whose state file is inside the checkout', async () => {
    const remote = makeRemote({ 'workspace-gitops.yaml': `${CONFIG_YAML}state: file:.workspace-gitops/state.json\n`, 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    const cache = path.join(tempDir('cache'), 'checkout');
    const src = source(remote.url, cache);
    const snapshot = await src.sync();
    await expect(loadDaemonConfig(src, snapshot, { overrides: {}, env: {}, cwd: '/' })).rejects.toThrow(/inside the git checkout .* hard-resets/);
  });

  it('accepts a --state outside it and moves runtime files next to the state', async () => {
    const remote = makeRemote({ 'workspace-gitops.yaml': CONFIG_YAML, 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice') });
    const base = tempDir('daemon');
    const cache = path.join(base, 'checkout');
    const src = source(remote.url, cache);
    const state = resolveStateFlag('state/state.json', base);
    const config = await loadDaemonConfig(src, await src.sync(), { overrides: { state }, env: {}, cwd: base });
    expect(config.state).toBe(`file:${path.join(base, 'state/state.json')}`);
    expect(config.runtimeDir).toBe(path.join(base, 'state'));
    expect(config.desiredStateDir).toBe(path.join(cache, 'desired-state'));
    expect(() => checkStateOutsideCheckout(config, cache)).not.toThrow();
  });

  it('compares real paths, so a state reached through a symlink or ../ is still caught', () => {
    expect(isInside('/srv/checkout', '/srv/checkout/.workspace-gitops/state.json')).toBe(true);
    expect(isInside('/srv/checkout', '/srv/checkout/../state.json')).toBe(false);
    expect(isInside('/srv/checkout', '/srv/checkout-state/state.json')).toBe(false);
    expect(isInside('/srv/checkout', '/srv/checkout')).toBe(true);
  });
});
