/**
 * The git source: a clone of one branch kept in a cache folder, fetched and hard-reset to the branch
 * tip on every run, so what is reconciled is exactly a commit of the repository — never local edits.
 * The folder is the daemon's own: a marker written at clone time stops it from ever resetting a
 * folder it did not create (someone's working copy given by mistake).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { simpleGit, type SimpleGit } from 'simple-git';
import { UsageError, WsgoError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Source, SourceSnapshot } from './source.js';

const MARKER = 'workspace-gitops-cache';
/** A git process that prints nothing for this long is stuck (a dead network, a prompt nobody answers). */
const GIT_SILENCE_MS = 120_000;
/**
 * simple-git strips GIT_* variables from git's environment unless named. These are the ones an
 * operator legitimately sets for a daemon: an SSH deploy key command and a corporate CA bundle.
 */
const ALLOWED_GIT_ENV = ['GIT_SSH_COMMAND', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_TERMINAL_PROMPT'];
/** Variables simple-git refuses when passed explicitly (they run programs); git does not need them here. */
const REFUSED_ENV = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

export function parseBranch(value: string): string {
  const ok = /^[A-Za-z0-9._/-]+$/.test(value) && !value.startsWith('-') && !value.startsWith('/') && !value.endsWith('/') && !value.includes('..') && !value.endsWith('.lock');
  if (!ok) throw new InvalidArgumentError('expected a branch name such as main or release/2026');
  return value;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const SCP_LIKE = /^[^/@\s]+@[^:/\s]+:/;

/** A URL (https://, ssh://, file://, user@host:path) is kept; anything else is a local path, made absolute. */
export function normalizeRepo(value: string, cwd: string): string {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.startsWith('-')) throw new InvalidArgumentError('expected a repository URL (https://, ssh://, file://) or a local path');
  if (/^ext::/i.test(trimmed)) throw new InvalidArgumentError('the ext:: transport runs commands and is not allowed');
  return URL_LIKE.test(trimmed) || SCP_LIKE.test(trimmed) ? trimmed : path.resolve(cwd, trimmed);
}

/** The URL without its user and password (a token in an https URL), for logs and messages. */
export function redactUrl(url: string): string {
  if (!URL_LIKE.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '***';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Credentials embedded in the URL, so the logger scrubs them wherever git repeats them. */
export function urlSecrets(url: string): string[] {
  if (!URL_LIKE.test(url)) return [];
  try {
    const u = new URL(url);
    return [u.password, u.username, decodeURIComponent(u.password), decodeURIComponent(u.username)].filter((s) => s.length >= 4);
  } catch {
    return [];
  }
}

export function gitEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const lower = key.toLowerCase();
    if (value === undefined || REFUSED_ENV.has(lower)) continue;
    if (lower.startsWith('git_') && !ALLOWED_GIT_ENV.includes(key.toUpperCase())) continue;
    out[key] = value;
  }
  // A daemon has nobody to type a password: fail instead of waiting on a prompt.
  out['GIT_TERMINAL_PROMPT'] = '0';
  return out;
}

export interface GitSourceOptions {
  /** As normalized by normalizeRepo. */
  url: string;
  branch: string;
  /** Absolute path of the cache folder. */
  cacheDir: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  signal?: AbortSignal;
}

type CacheState = 'missing' | 'empty' | 'ours' | 'foreign';

async function inspect(dir: string): Promise<CacheState> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return 'missing';
  }
  if (entries.length === 0) return 'empty';
  try {
    await stat(path.join(dir, '.git', MARKER));
    return 'ours';
  } catch {
    return 'foreign';
  }
}

export class GitSource implements Source {
  readonly kind = 'git';
  readonly checkout: string;
  readonly branch: string;
  private readonly env: Record<string, string>;

  constructor(private readonly options: GitSourceOptions) {
    this.checkout = options.cacheDir;
    this.branch = options.branch;
    this.env = gitEnvironment(options.env);
  }

  describe(): Record<string, string> {
    return { source: 'git', repo: redactUrl(this.options.url), branch: this.branch, checkout: this.checkout };
  }

  async sync(): Promise<SourceSnapshot> {
    await this.ensureClone();
    const git = this.git(this.checkout);
    const remoteRef = `refs/remotes/origin/${this.branch}`;
    await this.step('fetch', () => git.raw(['fetch', '--no-tags', '--prune', 'origin', `+refs/heads/${this.branch}:${remoteRef}`]));
    await this.step('reset', () => git.raw(['reset', '--hard', '--quiet', remoteRef]));
    // Untracked files would be read as desired state although no commit holds them.
    await this.step('clean', () => git.raw(['clean', '-ffdxq']));
    const revision = (await this.step('rev-parse', () => git.revparse(['HEAD']))).trim();
    return { root: this.checkout, revision };
  }

  private git(baseDir: string): SimpleGit {
    return simpleGit({
      baseDir,
      timeout: { block: GIT_SILENCE_MS },
      allowEnvironment: ALLOWED_GIT_ENV,
      unsafe: { allowUnsafeSshCommand: true },
      ...(this.options.signal ? { abort: this.options.signal } : {}),
    }).env(this.env);
  }

  private async ensureClone(): Promise<void> {
    const state = await inspect(this.checkout);
    if (state === 'foreign') {
      throw new UsageError(
        `the cache folder ${this.checkout} is not empty and was not created by workspace-gitops; the daemon hard-resets its cache folder on every run and will not touch this one`,
        'point --cache-dir at an empty or missing folder',
      );
    }
    if (state === 'ours') {
      const git = this.git(this.checkout);
      const origin = (await this.step('remote', () => git.remote(['get-url', 'origin'])))?.trim();
      if (origin !== this.options.url) await this.step('remote', () => git.remote(['set-url', 'origin', this.options.url]));
      return;
    }
    await this.clone(state);
  }

  /** Clones next to the cache folder and renames it into place, so an interrupted clone never looks like a cache. */
  private async clone(state: 'missing' | 'empty'): Promise<void> {
    const parent = path.dirname(this.checkout);
    await mkdir(parent, { recursive: true });
    const temp = path.join(parent, `.${path.basename(this.checkout)}.clone-${randomUUID().slice(0, 8)}`);
    this.options.logger.info('cloning the repository', this.describe());
    try {
      await this.step('clone', () => this.git(parent).raw(['clone', '--branch', this.branch, '--single-branch', '--no-tags', '--', this.options.url, temp]));
      await writeFile(path.join(temp, '.git', MARKER), 'This clone is a cache of the workspace-gitops daemon: it is reset on every run.\n');
      if (state === 'empty') await rm(this.checkout, { recursive: true });
      await rename(temp, this.checkout);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }

  private async step<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof WsgoError) throw error;
      const raw = error instanceof Error ? error.message : String(error);
      const detail = raw.split(this.options.url).join(redactUrl(this.options.url)).trim().split('\n').slice(-4).join(' ');
      throw new WsgoError('GIT_SOURCE', `git ${what} of ${redactUrl(this.options.url)} (branch ${this.branch}) failed: ${detail}`, {
        hint: 'check the repository URL, the branch and the credentials (GIT_SSH_COMMAND, or a token in the https URL); the daemon retries with back-off',
        cause: error,
      });
    }
  }
}
