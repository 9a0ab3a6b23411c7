/**
 * `daemon`: reconcile (or only plan) a git branch or a local folder on a schedule, a webhook or a file
 * change, serving /healthz, /readyz and /metrics, until SIGTERM/SIGINT — then stop the triggers, let
 * the run in progress journal its orders, and exit 0.
 */
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT, UsageError, WsgoError } from '../../errors.js';
import { createLogger } from '../../logging.js';
import type { Logger } from '../../log.js';
import type { Config, ConfigOverrides } from '../../config/index.js';
import { globalsOf } from '../globals.js';
import { openState } from '../state.js';
import { evidenceSettleMs, openCloud } from '../cloud.js';
import { parseDuration, parseInteger } from '../parse.js';
import {
  GitSource,
  LocalSource,
  isInside,
  loadDaemonConfig,
  normalizeRepo,
  parseBranch,
  parseListen,
  parseSchedule,
  realTimers,
  resolveStateFlag,
  startDaemon,
  urlSecrets,
  type DaemonOptions,
  type Listen,
  type Source,
  type SourceSnapshot,
} from '../../daemon/index.js';

export const WEBHOOK_SECRET_ENV = 'WORKSPACE_GITOPS_WEBHOOK_SECRET';

interface DaemonFlags {
  repo?: string;
  branch?: string;
  cacheDir: string;
  watch?: boolean;
  schedule?: string;
  planOnly?: boolean;
  listen: Listen;
  webhookSecretFile?: string;
  parallelism: number;
  settleAfter?: number;
  maxRounds: number;
  lockTimeout: number;
  backoff: number;
  backoffMax: number;
  stuckLockAfter: number;
  debounce: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function packageVersion(): string {
  try {
    // Three levels up from src/cli/commands and from dist/cli/commands alike.
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Values from the environment are parsed after commander's own checks: their errors must still read as usage errors. */
function checked<T>(what: string, value: string, parse: (v: string) => T): T {
  try {
    return parse(value);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new UsageError(`${what} ${JSON.stringify(value)}: ${error.message}`);
    throw error;
  }
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    signal.addEventListener('abort', () => done(), { once: true });
  });
}

async function webhookSecret(flags: DaemonFlags, env: Record<string, string | undefined>, cwd: string): Promise<string | undefined> {
  const secret = flags.webhookSecretFile !== undefined ? (await readFile(path.resolve(cwd, flags.webhookSecretFile), 'utf8')).trim() : env[WEBHOOK_SECRET_ENV];
  if (secret === undefined || secret === '') return undefined;
  if (secret.length < 16) throw new UsageError('the webhook secret has fewer than 16 characters', 'use a long random value, e.g. from: openssl rand -hex 32');
  return secret;
}

function daemonLogger(cmd: Command, ctx: CommandContext, secrets: string[]): Logger {
  const globals = globalsOf(cmd);
  // The daemon logs JSON unless --log-format was given: its logs go to collectors, not to people.
  const explicit = cmd.getOptionValueSourceWithGlobals('logFormat') === 'cli';
  return createLogger({ format: explicit ? globals.logFormat : 'json', level: globals.debug ? 'debug' : 'info', write: (line) => ctx.io.stderr(line), env: ctx.io.env, secrets });
}

function sourceOf(repo: string | undefined, flags: DaemonFlags, ctx: CommandContext, logger: Logger, signal: AbortSignal): Source {
  if (repo === undefined || repo === '') return new LocalSource(ctx.io.cwd);
  if (flags.watch) throw new UsageError('--watch watches a local folder; it cannot be combined with --repo', 'with --repo, runs come from --schedule or the webhook');
  const branch = checked('branch', flags.branch ?? ctx.io.env['WORKSPACE_GITOPS_BRANCH'] ?? 'main', parseBranch);
  const url = checked('repository', repo, (r) => normalizeRepo(r, ctx.io.cwd));
  return new GitSource({ url, branch, cacheDir: path.resolve(ctx.io.cwd, flags.cacheDir), env: ctx.io.env, logger, signal });
}

function overridesOf(cmd: Command, cwd: string): ConfigOverrides {
  const g = globalsOf(cmd);
  return {
    ...(g.config === undefined ? {} : { config: g.config }),
    ...(g.dir === undefined ? {} : { dir: g.dir }),
    ...(g.policies === undefined ? {} : { policies: g.policies }),
    ...(g.state === undefined ? {} : { state: resolveStateFlag(g.state, cwd) }),
    ...(g.endpoint === undefined ? {} : { endpoint: g.endpoint }),
  };
}

/**
 * The source is read once before starting, so a broken config (or a state inside the checkout) is
 * refused at once with exit 1 instead of failing every run. A repository that cannot be reached yet
 * is not fatal: the daemon starts and its runs retry with back-off.
 */
async function preflight(source: Source, loadConfig: DaemonOptions['loadConfig'], logger: Logger): Promise<Config | undefined> {
  let snapshot: SourceSnapshot;
  try {
    snapshot = await source.sync();
  } catch (error) {
    if (source.kind === 'local' || (error instanceof WsgoError && error.code !== 'GIT_SOURCE')) throw error;
    logger.warn('repository not reachable yet; runs will retry', { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
  return loadConfig(snapshot);
}

async function run(ctx: CommandContext, cmd: Command, flags: DaemonFlags): Promise<void> {
  const { io } = ctx;
  const globals = globalsOf(cmd);
  const repo = flags.repo ?? io.env['WORKSPACE_GITOPS_REPO'];
  const secret = await webhookSecret(flags, io.env, io.cwd);
  const logger = daemonLogger(cmd, ctx, [...(secret ? [secret] : []), ...urlSecrets(repo ?? '')]);
  const schedule = flags.schedule ?? io.env['WORKSPACE_GITOPS_SCHEDULE'];
  const expression = schedule ? checked('schedule', schedule, parseSchedule) : undefined;
  if (!expression && !flags.watch && !secret) {
    throw new UsageError('nothing would trigger a run after the first one', `pass --schedule (e.g. --schedule "*/5 * * * *"), --watch, or set ${WEBHOOK_SECRET_ENV} for the webhook`);
  }
  const source = sourceOf(repo, flags, ctx, logger, io.signal);
  if (source.checkout !== undefined && globals.state !== undefined) {
    const state = resolveStateFlag(globals.state, io.cwd);
    if (state.startsWith('file:') && isInside(source.checkout, state.slice('file:'.length))) {
      throw new UsageError(`--state ${globals.state} is inside the cache folder ${source.checkout}, which the daemon hard-resets on every run`, 'put the state elsewhere, e.g. --state file:/var/lib/workspace-gitops/state.json');
    }
  }
  const overrides = overridesOf(cmd, io.cwd);
  const loadConfig: DaemonOptions['loadConfig'] = (snapshot) => loadDaemonConfig(source, snapshot, { overrides, env: io.env, cwd: io.cwd });

  const config = await preflight(source, loadConfig, logger);
  const watch: DaemonOptions['watch'] =
    flags.watch && config ? { paths: [config.desiredStateDir, config.policiesDir, ...(config.file ? [config.file] : [])], debounceMs: flags.debounce, stabilityMs: Math.min(500, flags.debounce) } : undefined;
  const daemon = await startDaemon({
    source,
    loadConfig,
    mode: flags.planOnly ? 'plan-only' : 'reconcile',
    openState: (config) => openState(config, io, logger),
    openCloud: (config) => openCloud(config, { simulate: Boolean(globals.simulate), logger }, io),
    ...(expression ? { schedule: expression } : {}),
    ...(watch ? { watch } : {}),
    listen: flags.listen,
    ...(secret ? { webhookSecret: secret } : {}),
    backoff: { initialMs: flags.backoff, maxMs: Math.max(flags.backoff, flags.backoffMax) },
    parallelism: flags.parallelism,
    evidenceSettleMs: evidenceSettleMs(flags.settleAfter, Boolean(globals.simulate)),
    maxRounds: flags.maxRounds,
    lockTimeoutMs: flags.lockTimeout,
    stuckLockMs: flags.stuckLockAfter,
    logger,
    now: () => io.now(),
    sleep: realSleep,
    timers: realTimers,
    signal: io.signal,
    version: packageVersion(),
    self: { pid: process.pid, hostname: os.hostname() },
  });
  await waitForAbort(io.signal);
  await daemon.stop();
  ctx.exitCode = EXIT.ok;
}

export function registerDaemonCommand(program: Command, ctx: CommandContext): void {
  program
    .command('daemon')
    .description('reconcile continuously: a git branch (--repo) or this folder, on a schedule, a webhook (POST /hooks/git) or file changes (--watch)')
    .option('--repo <url>', 'git repository to follow (https://, ssh://, file:// or a path; or WORKSPACE_GITOPS_REPO); without it, the local folder is used')
    .option('--branch <name>', 'branch to follow (or WORKSPACE_GITOPS_BRANCH; default main)')
    .option('--cache-dir <folder>', 'where the daemon keeps its clone (reset on every run; never put the state here)', '.workspace-gitops/checkout')
    .option('--watch', 'run when files of the local desired-state folder, policies or config change')
    .option('--schedule <cron>', 'cron schedule, seconds field optional, e.g. "*/5 * * * *" (or WORKSPACE_GITOPS_SCHEDULE)')
    .option('--plan-only', 'plan and report on every run; never place an order')
    .option('--listen <host:port>', 'address of /healthz, /readyz, /metrics and /hooks/git', parseListen, parseListen('127.0.0.1:9464'))
    .option('--webhook-secret-file <file>', `file holding the webhook secret (else ${WEBHOOK_SECRET_ENV}); without a secret there is no webhook`)
    .option('--parallelism <n>', 'orders in flight at once', parseInteger(1, 64), 4)
    .option('--max-rounds <n>', 'plan+apply rounds per run', parseInteger(1, 20), 5)
    .option('--lock-timeout <duration>', 'wait this long for a held state lock before the run fails', parseDuration, 0)
    .option('--settle-after <duration>', 'an in-doubt order counts as not placed only once the billing order list has stayed empty this long after it (default 15m; 0 with --simulate)', parseDuration)
    .option('--backoff <duration>', 'first retry delay after a failed run; doubles up to --backoff-max', parseDuration, 30_000)
    .option('--backoff-max <duration>', 'longest retry delay', parseDuration, 15 * 60_000)
    .option('--stuck-lock-after <duration>', '/readyz fails while another process holds the state lock longer than this', parseDuration, 30 * 60_000)
    .option('--debounce <duration>', 'with --watch: quiet time after the last change before a run', parseDuration, 1_000)
    .action(async (flags: DaemonFlags, cmd: Command) => {
      await run(ctx, cmd, flags);
    });
}
