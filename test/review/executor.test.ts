/**
 * Review findings in the executor (src/apply/executor.ts): what becomes of an order the API accepted
 * when the journal cannot record that, and what a stop signal does to an order the gateway throttled.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeOrders } from '../../src/apply/index.js';
import { plan, type PlannedOrder } from '../../src/plan/index.js';
import { FileStateStore, emptySnapshot, foldJournal, groupByIntent, settle, type Journal } from '../../src/state/index.js';
import { ApiError } from '../../src/workspace/errors.js';
import type { WorkspaceApi } from '../../src/workspace/types.js';
import { silentLogger } from '../../src/log.js';
import { onCleanup, tempDir } from '../apply/support.js';
import { desiredOf, desktop, NOW } from '../plan/helpers.js';
import { fakeClock } from '../state/helpers.js';

function store(): FileStateStore {
  const s = new FileStateStore(join(tempDir('wsgo-review-exec-'), 'state.json'), { now: () => NOW });
  onCleanup(() => s.close());
  return s;
}

function oneOrder(): PlannedOrder {
  const desired = desiredOf({ 'a.yaml': [desktop('alice')] });
  const [order] = plan({ desired, recorded: emptySnapshot(), now: NOW }).orders;
  return order!;
}

/** An API whose placeOrder accepts every order (and counts the POSTs). */
function acceptingApi(): WorkspaceApi & { posts: number } {
  const api = {
    posts: 0,
    placeOrder() {
      api.posts += 1;
      return Promise.resolve({ order_id: `CS26030108000000${api.posts}` });
    },
  };
  return api as unknown as WorkspaceApi & { posts: number };
}

describe('an order the API accepted, whose "placed" outcome the journal failed to record', () => {
  it('is never journaled as failed (which would order the resource again); it stays in doubt and the run fails', async () => {
    const s = store();
    const lock = await s.acquireLock({ operation: 'review' });
    const order = oneOrder();
    const api = acceptingApi();
    // The journal's first attempt to record the outcome fails before anything reaches the file (EIO,
    // EMFILE while reading the lock file, ENOSPC …); the next append would work again.
    let failOnce = true;
    const journal: Journal = Object.create(s.journal) as Journal;
    journal.recordOutcome = (outcome, l) => {
      if (failOnce) {
        failOnce = false;
        return Promise.reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
      }
      return s.journal.recordOutcome(outcome, l);
    };

    const run = executeOrders([order], { api, journal, lock, parallelism: 1, now: () => NOW, sleep: () => Promise.resolve(), signal: new AbortController().signal, logger: silentLogger });
    await expect(run).rejects.toThrow(/EIO/);
    expect(api.posts).toBe(1);

    const entries = await s.journal.entries();
    const [group] = groupByIntent(entries);
    // The order exists in the cloud: a "failed" settlement would drop the record's spec and the next plan would create it again.
    expect(entries.filter((e) => e.kind === 'outcome').map((e) => (e.kind === 'outcome' ? e.result : ''))).not.toContain('failed');
    expect(settle(group!).result).toBe('in-doubt');
    const folded = foldJournal(emptySnapshot(), entries, NOW);
    expect(plan({ desired: desiredOf({ 'a.yaml': [desktop('alice')] }), recorded: folded, now: NOW }).orders).toEqual([]);
  });
});

describe('a throttled order while a stop signal arrives', () => {
  it('is not sent again after the signal', async () => {
    const s = store();
    const lock = await s.acquireLock({ operation: 'review' });
    const controller = new AbortController();
    const clock = fakeClock();
    // The signal arrives while the executor waits out the gateway's throttling.
    clock.onSleep(() => controller.abort());
    let posts = 0;
    const api = {
      placeOrder() {
        posts += 1;
        return Promise.reject(new ApiError({ operation: 'place order', status: 429, errorCode: 'APIGW.0308', errorMsg: 'throttled' }));
      },
    } as unknown as WorkspaceApi;
    const [result] = await executeOrders([oneOrder()], { api, journal: s.journal, lock, parallelism: 1, now: clock.now, sleep: clock.sleep, signal: controller.signal, logger: silentLogger });
    expect(posts).toBe(1);
    expect(result!.status).toBe('failed');
    // Throttled means refused by the gateway: nothing in doubt.
    expect(await s.journal.inDoubt()).toEqual([]);
  });
});
