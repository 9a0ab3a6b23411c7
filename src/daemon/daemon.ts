/**
 * The daemon put together: the runner and its triggers (startup, cron, watcher, webhook), the HTTP
 * endpoints, metrics, and a shutdown that stops the triggers first and then waits for the run in
 * progress to journal its orders.
 */
import type { Config } from '../config/index.js';
import { ParseCache } from '../desired/index.js';
import { runCycle, type CycleDeps, type CycleOutcome } from './cycle.js';
import { readiness, type ProcessIdentity } from './health.js';
import { createHandler, startHttpServer, type Listen } from './http.js';
import type { Handler } from './http-types.js';
import { DaemonMetrics } from './metrics.js';
import { Runner, type BackoffOptions, type FinishedRun, type Timers } from './runner.js';
import { startSchedule, type RunningSchedule } from './schedule.js';
import { startWatcher, type RunningWatcher } from './watch.js';

export interface WatchSettings {
  paths: string[];
  debounceMs: number;
  stabilityMs: number;
}

/** What each run needs (the daemon adds the parse cache it keeps across runs), and the daemon's own settings. */
export interface DaemonOptions extends Omit<CycleDeps, 'cache' | 'onConfig' | 'signal'> {
  schedule?: string;
  watch?: WatchSettings;
  listen: Listen;
  /** Without it, POST /hooks/git does not exist. */
  webhookSecret?: string;
  backoff: BackoffOptions;
  /** A state lock held longer than this by another process makes /readyz fail. */
  stuckLockMs: number;
  timers: Timers;
  /** Aborted on SIGTERM/SIGINT. */
  signal: AbortSignal;
  version: string;
  self: ProcessIdentity;
}

export interface RunningDaemon {
  url: string;
  runner: Runner<CycleOutcome>;
  metrics: DaemonMetrics;
  handler: Handler;
  stop(): Promise<void>;
}

function summary(run: FinishedRun<CycleOutcome>): Record<string, unknown> {
  const o = run.outcome;
  return {
    trigger: run.trigger,
    result: o.result,
    revision: o.revision,
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt.toISOString(),
    orders_placed: Object.values(o.placed).reduce((a, b) => a + b, 0),
    ...(o.error ? { error: o.error } : {}),
  };
}

export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { logger } = options;
  const stopping = new AbortController();
  const signal = AbortSignal.any([options.signal, stopping.signal]);
  const metrics = new DaemonMetrics({ version: options.version, mode: options.mode });
  const cache = new ParseCache();
  let lastConfig: Config | undefined;
  let runNumber = 0;

  const runner = new Runner<CycleOutcome>({
    run: (trigger) => runCycle({ ...options, cache, signal, onConfig: (c) => (lastConfig = c) }, trigger, logger.child({ run: runNumber })),
    crashed: (error) => ({ result: 'failed', revision: null, placed: {}, failed: {}, error: { code: 'ERROR', message: error instanceof Error ? error.message : String(error) } }),
    backoff: options.backoff,
    timers: options.timers,
    now: options.now,
    logger,
    onTrigger: (source, decision) => metrics.triggered(source, decision),
    onRunStart: (trigger) => {
      runNumber++;
      metrics.runStarted();
      logger.info('run started', { run: runNumber, trigger });
    },
    onRunEnd: (run) => {
      const durationMs = run.finishedAt.getTime() - run.startedAt.getTime();
      const o = run.outcome;
      metrics.runFinished({ result: o.result, durationMs, finishedAt: run.finishedAt, placed: o.placed, failed: o.failed, ...pick(o) });
      logger[o.result === 'success' ? 'info' : 'warn']('run finished', { run: runNumber, ...summary(run), duration_ms: durationMs, pending: o.pending, blocked: o.blocked, in_doubt: o.inDoubt });
    },
  });

  const readLock = async () => {
    if (!lastConfig) return undefined;
    const store = options.openState(lastConfig);
    try {
      return await store.readLock();
    } finally {
      await store.close();
    }
  };
  const handler = createHandler({
    metrics: () => metrics.render(),
    readiness: () => readiness({ lastRun: () => (runner.status().lastRun ? summary(runner.status().lastRun!) : undefined), readLock, now: options.now, stuckAfterMs: options.stuckLockMs, self: options.self }),
    ...(options.webhookSecret ? { webhook: { secret: options.webhookSecret, branch: options.source.branch, trigger: () => runner.trigger('webhook'), logger } } : {}),
  });

  const http = await startHttpServer(handler, options.listen, logger);
  let schedule: RunningSchedule | undefined;
  let watcher: RunningWatcher | undefined;
  try {
    if (options.schedule) schedule = await startSchedule(options.schedule, () => runner.trigger('schedule'), logger);
    if (options.watch) watcher = await startWatcher({ ...options.watch, timers: options.timers, logger }, () => runner.trigger('watch'));
  } catch (error) {
    await schedule?.stop();
    await http.close();
    throw error;
  }
  logger.info('daemon listening', {
    url: http.url,
    mode: options.mode,
    ...options.source.describe(),
    ...(options.schedule ? { schedule: options.schedule } : {}),
    watch: options.watch !== undefined,
    webhook: options.webhookSecret !== undefined,
  });
  runner.trigger('startup');

  let stopped: Promise<void> | undefined;
  return {
    url: http.url,
    runner,
    metrics,
    handler,
    stop() {
      stopped ??= (async () => {
        logger.info('daemon stopping', { running: runner.status().running });
        await schedule?.stop();
        await watcher?.close();
        await http.close();
        stopping.abort();
        await runner.stop();
        logger.info('daemon stopped');
      })();
      return stopped;
    },
  };
}

function pick(o: CycleOutcome): { inDoubt?: number; pending?: number; blocked?: number } {
  return {
    ...(o.inDoubt === undefined ? {} : { inDoubt: o.inDoubt }),
    ...(o.pending === undefined ? {} : { pending: o.pending }),
    ...(o.blocked === undefined ? {} : { blocked: o.blocked }),
  };
}
