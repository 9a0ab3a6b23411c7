/** The runner alone, on a fake clock and fake timers: one run at a time, one follow-up, back-off, stop. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { Runner, backoffDelay, type RunResult, type TriggerSource } from '../../src/daemon/index.js';
import { FakeTimers } from './support.js';

/** A run function whose runs finish only when the test says so, with the result it says. */
class ControlledRuns {
  readonly started: TriggerSource[] = [];
  active = 0;
  maxActive = 0;
  private readonly finishers: ((r: RunResult) => void)[] = [];
  readonly run = (trigger: TriggerSource): Promise<{ result: RunResult }> => {
    this.started.push(trigger);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    return new Promise((resolve) =>
      this.finishers.push((result) => {
        this.active--;
        resolve({ result });
      }),
    );
  };
  async finish(result: RunResult = 'success'): Promise<void> {
    const f = this.finishers.shift();
    if (!f) throw new Error('no run in progress');
    f(result);
    // Let the runner's promise chain settle (finish → maybe start the follow-up).
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

function setup(backoff = { initialMs: 1_000, maxMs: 8_000 }) {
  const timers = new FakeTimers();
  const runs = new ControlledRuns();
  const decisions: string[] = [];
  const runner = new Runner<{ result: RunResult }>({
    run: runs.run,
    crashed: () => ({ result: 'failed' }),
    backoff,
    timers,
    now: timers.now,
    logger: silentLogger,
    onTrigger: (source, decision) => decisions.push(`${source}:${decision}`),
  });
  return { timers, runs, runner, decisions };
}

describe('Runner', () => {
  it('runs one at a time: a trigger during a run queues one follow-up, later ones fold into it', async () => {
    const { runs, runner, decisions } = setup();
    expect(runner.trigger('startup')).toBe('started');
    expect(runner.trigger('webhook')).toBe('queued');
    expect(runner.trigger('schedule')).toBe('coalesced');
    expect(runner.trigger('watch')).toBe('coalesced');
    expect(runs.started).toEqual(['startup']);
    await runs.finish();
    expect(runs.started).toEqual(['startup', 'webhook']);
    await runs.finish();
    expect(runs.started).toHaveLength(2);
    expect(runs.maxActive).toBe(1);
    expect(runner.status()).toMatchObject({ running: false, queued: undefined, failures: 0 });
    expect(decisions).toEqual(['startup:started', 'webhook:queued', 'schedule:coalesced', 'watch:coalesced']);
  });

  it('backs off exponentially after failures, capped, and retries on its own', async () => {
    const { timers, runs, runner } = setup();
    runner.trigger('startup');
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await runs.finish('failed');
      delays.push(timers.scheduled[0]!);
      timers.advance(timers.scheduled[0]!);
      expect(runs.started.at(-1)).toBe('retry');
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    await runs.finish('success');
    expect(runner.status().failures).toBe(0);
    expect(timers.scheduled).toEqual([]);
  });

  it('defers schedule ticks during a back-off, but a change (webhook, watch) runs at once', async () => {
    const { timers, runs, runner } = setup();
    runner.trigger('startup');
    await runs.finish('denied');
    expect(runner.trigger('schedule')).toBe('deferred');
    expect(runs.started).toEqual(['startup']);
    expect(runner.trigger('webhook')).toBe('started');
    expect(timers.scheduled).toEqual([]);
    await runs.finish('failed');
    expect(runner.status().failures).toBe(2);
    expect(timers.scheduled).toEqual([2_000]);
  });

  it('after a failure, a queued schedule tick waits for the back-off while a queued change runs', async () => {
    const { timers, runs, runner } = setup();
    runner.trigger('startup');
    runner.trigger('schedule');
    await runs.finish('partial');
    expect(runs.started).toEqual(['startup']);
    expect(timers.scheduled).toEqual([1_000]);

    const second = setup();
    second.runner.trigger('startup');
    second.runner.trigger('watch');
    await second.runs.finish('failed');
    expect(second.runs.started).toEqual(['startup', 'watch']);
  });

  it('counts a run that threw as failed and keeps going', async () => {
    const timers = new FakeTimers();
    let calls = 0;
    const runner = new Runner<{ result: RunResult }>({
      run: () => {
        calls++;
        return Promise.reject(new Error('boom'));
      },
      crashed: () => ({ result: 'failed' }),
      backoff: { initialMs: 500, maxMs: 500 },
      timers,
      now: timers.now,
      logger: silentLogger,
    });
    runner.trigger('startup');
    await runner.idle();
    expect(runner.status().lastRun?.outcome.result).toBe('failed');
    timers.advance(500);
    await runner.idle();
    expect(calls).toBe(2);
  });

  it('stop() waits for the run in progress, drops the follow-up and refuses new triggers', async () => {
    const { timers, runs, runner } = setup();
    runner.trigger('startup');
    runner.trigger('schedule');
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    expect(runner.trigger('webhook')).toBe('stopped');
    await runs.finish('failed');
    await stopping;
    expect(runs.started).toEqual(['startup']);
    expect(timers.scheduled).toEqual([]);
  });

  it('an interrupted run neither retries nor counts as a failure', async () => {
    const { timers, runs, runner } = setup();
    runner.trigger('startup');
    await runs.finish('interrupted');
    expect(timers.scheduled).toEqual([]);
    expect(runner.status().failures).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const o = { initialMs: 30_000, maxMs: 15 * 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 60].map((n) => backoffDelay(n, o))).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]);
  });
});
