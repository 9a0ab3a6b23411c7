/**
 * One run at a time. A trigger that arrives during a run queues one follow-up (later ones fold into
 * it), so a burst of pushes costs at most two runs. After a run that did not succeed the runner backs
 * off (exponential, capped) and retries on its own; schedule ticks wait for the back-off, while a
 * trigger that says the input changed (webhook, watch) is worth trying at once.
 */
import type { Logger } from '../log.js';

export type TriggerSource = 'startup' | 'schedule' | 'webhook' | 'watch' | 'retry';
/**
 * `in-doubt`: the run did its work, but orders from earlier runs are still in doubt. Running again
 * sooner cannot settle them (evidence is checked on every run; an operator may have to decide), so it
 * keeps the schedule instead of backing off; the in-doubt gauge in /metrics is what to alert on.
 */
export type RunResult = 'success' | 'in-doubt' | 'partial' | 'denied' | 'failed' | 'interrupted';
export const RUN_RESULTS: readonly RunResult[] = ['success', 'in-doubt', 'partial', 'denied', 'failed', 'interrupted'];

/** What became of a trigger: started a run, became the follow-up, folded into one, waits for the back-off, or came after stop. */
export type TriggerDecision = 'started' | 'queued' | 'coalesced' | 'deferred' | 'stopped';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Delay before retry number `failures` (1 = the first retry). */
export function backoffDelay(failures: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(options.maxMs, options.initialMs * 2 ** exponent);
}

export interface FinishedRun<O> {
  trigger: TriggerSource;
  outcome: O;
  startedAt: Date;
  finishedAt: Date;
}

export interface RunnerOptions<O extends { result: RunResult }> {
  run: (trigger: TriggerSource) => Promise<O>;
  /** Turns a run that threw (a bug: runs report their own errors) into an outcome. */
  crashed: (error: unknown) => O;
  backoff: BackoffOptions;
  timers: Timers;
  now: () => Date;
  logger: Logger;
  onTrigger?: (source: TriggerSource, decision: TriggerDecision) => void;
  onRunStart?: (trigger: TriggerSource) => void;
  onRunEnd?: (run: FinishedRun<O>) => void;
}

export interface RunnerStatus<O> {
  running: boolean;
  queued: TriggerSource | undefined;
  /** Runs in a row that did not succeed. */
  failures: number;
  nextRetryAt: Date | undefined;
  lastRun: FinishedRun<O> | undefined;
}

/** Triggers that mean "the desired state changed": they skip a back-off in progress. */
const CHANGE_TRIGGERS: ReadonlySet<TriggerSource> = new Set(['webhook', 'watch']);

export class Runner<O extends { result: RunResult }> {
  private current: Promise<void> | undefined;
  private queued: TriggerSource | undefined;
  private failures = 0;
  private retryHandle: unknown;
  private retryAt: Date | undefined;
  private stopped = false;
  private last: FinishedRun<O> | undefined;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly options: RunnerOptions<O>) {}

  trigger(source: TriggerSource): TriggerDecision {
    const decision = this.decide(source);
    this.options.onTrigger?.(source, decision);
    this.options.logger.debug('trigger', { source, decision });
    return decision;
  }

  status(): RunnerStatus<O> {
    return { running: this.current !== undefined, queued: this.queued, failures: this.failures, nextRetryAt: this.retryAt, lastRun: this.last };
  }

  /** Resolves once no run is in progress and none is queued (a retry waiting for its back-off does not count). */
  idle(): Promise<void> {
    if (this.current === undefined && this.queued === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** No new run starts; a queued one and a pending retry are dropped; a run in progress is awaited. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued = undefined;
    this.cancelRetry();
    await this.current;
  }

  private decide(source: TriggerSource): TriggerDecision {
    if (this.stopped) return 'stopped';
    if (this.current) {
      if (this.queued !== undefined) return 'coalesced';
      this.queued = source;
      return 'queued';
    }
    if (this.retryHandle !== undefined && !CHANGE_TRIGGERS.has(source)) return 'deferred';
    this.start(source);
    return 'started';
  }

  private start(trigger: TriggerSource): void {
    this.cancelRetry();
    const { now, logger } = this.options;
    const startedAt = now();
    this.options.onRunStart?.(trigger);
    this.current = this.options
      .run(trigger)
      .catch((error: unknown) => {
        logger.error('run crashed', { error: error instanceof Error ? error.message : String(error) });
        return this.options.crashed(error);
      })
      .then((outcome) => this.finish({ trigger, outcome, startedAt, finishedAt: now() }));
  }

  private finish(run: FinishedRun<O>): void {
    this.current = undefined;
    this.last = run;
    const ok = run.outcome.result === 'success' || run.outcome.result === 'in-doubt';
    this.failures = ok ? 0 : run.outcome.result === 'interrupted' ? this.failures : this.failures + 1;
    this.options.onRunEnd?.(run);
    const next = this.queued;
    this.queued = undefined;
    if (this.stopped || run.outcome.result === 'interrupted') return this.settle();
    if (!ok) {
      // A failing run repeats only after the back-off, unless the follow-up brings a change.
      if (next !== undefined && CHANGE_TRIGGERS.has(next)) return this.start(next);
      this.scheduleRetry();
      return this.settle();
    }
    if (next !== undefined) return this.start(next);
    this.settle();
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.failures, this.options.backoff);
    this.retryAt = new Date(this.options.now().getTime() + delay);
    this.options.logger.info('retry scheduled', { failures: this.failures, delay_ms: delay, at: this.retryAt.toISOString() });
    this.retryHandle = this.options.timers.setTimeout(() => {
      this.retryHandle = undefined;
      this.retryAt = undefined;
      this.trigger('retry');
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryHandle !== undefined) this.options.timers.clearTimeout(this.retryHandle);
    this.retryHandle = undefined;
    this.retryAt = undefined;
  }

  private settle(): void {
    if (this.current !== undefined) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
