/**
 * The behaviour every StateStore backend must show. A backend's test file calls
 * describeStateStoreContract with a factory; the file backend runs it in file-store.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError, type LockHandle, type StateSnapshot, type StateStore } from '../../src/state/index.js';
import { bigSnapshot, fakeClock, intent, outcome, record, resolution, snapshotOf, type FakeClock } from './helpers.js';

export interface ContractClock {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export interface StoreFixture {
  store: StateStore;
  /** Another store on the same storage, as a second process would open it. */
  reopen(clock?: ContractClock): Promise<StateStore>;
  /** Closes every store the fixture opened and removes the storage. */
  cleanup(): Promise<void>;
}

export function describeStateStoreContract(name: string, makeStore: (clock: ContractClock) => Promise<StoreFixture>): void {
  describe(`StateStore contract: ${name}`, () => {
    let clock: FakeClock;
    let fixture: StoreFixture;
    let store: StateStore;

    beforeEach(async () => {
      clock = fakeClock();
      fixture = await makeStore(clock);
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    async function writeNext(mutate: (s: StateSnapshot) => StateSnapshot, lock: LockHandle): Promise<StateSnapshot> {
      const current = await store.read();
      const next = mutate({ ...current, serial: current.serial + 1 });
      await store.write(next, lock);
      return next;
    }

    describe('snapshot', () => {
      it('reads an empty snapshot with no lineage when nothing was written', async () => {
        expect(await store.read()).toEqual({ format_version: 1, lineage: '', serial: 0, resources: {} });
        expect(await store.readLock()).toBeUndefined();
      });

      it('round-trips a written snapshot', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        const snapshot = { ...snapshotOf([record('Desktop/alice'), record('DesktopPool/pool-a', { status: 'ordered' })]), updated_at: clock.now().toISOString() };
        await store.write(snapshot, lock);
        expect(await store.read()).toEqual(snapshot);
        const other = await fixture.reopen();
        expect(await other.read()).toEqual(snapshot);
      });

      it('assigns a lineage on the first write when none is given, and keeps it', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        await store.write({ format_version: 1, lineage: '', serial: 1, resources: {} }, lock);
        const first = await store.read();
        expect(first.lineage).not.toBe('');
        expect(first.serial).toBe(1);
        await store.write({ ...first, serial: 2 }, lock);
        expect((await store.read()).lineage).toBe(first.lineage);
      });

      it('refuses a write whose serial does not follow the stored one', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        const first = snapshotOf([record('Desktop/alice')], { serial: 1 });
        await store.write(first, lock);
        for (const serial of [1, 3, 0]) {
          await expect(store.write({ ...first, serial }, lock)).rejects.toMatchObject({ code: 'STATE_CONFLICT', message: expect.stringContaining('someone else wrote') });
        }
        expect(await store.read()).toEqual(first);
      });

      it('refuses a first write whose serial is not 1', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        await expect(store.write(snapshotOf([], { serial: 2 }), lock)).rejects.toMatchObject({ code: 'STATE_CONFLICT' });
      });

      it('refuses a write from another lineage', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        const first = await writeNext((s) => ({ ...s, lineage: 'lineage-a' }), lock);
        await expect(store.write({ ...first, lineage: 'lineage-b', serial: 2 }, lock)).rejects.toMatchObject({ code: 'STATE_LINEAGE_MISMATCH' });
        expect((await store.read()).lineage).toBe('lineage-a');
      });

      it('refuses a write without the lock, or with a lock that is not the current one', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        const forged: LockHandle = { info: { ...lock.info, id: 'forged-id' } };
        await expect(store.write(snapshotOf([], { serial: 1 }), forged)).rejects.toMatchObject({ code: 'STATE_LOCK_NOT_HELD', message: expect.stringContaining(lock.info.id) });
        await store.releaseLock(lock);
        await expect(store.write(snapshotOf([], { serial: 1 }), lock)).rejects.toMatchObject({ code: 'STATE_LOCK_NOT_HELD' });
        expect(await store.read()).toMatchObject({ serial: 0, lineage: '' });
      });

      it('round-trips a 10,000-resource snapshot', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        const big = bigSnapshot(10_000);
        await store.write(big, lock);
        const back = await store.read();
        expect(Object.keys(back.resources)).toHaveLength(10_000);
        expect(back).toEqual(big);
      });
    });

    describe('lock', () => {
      it('fails a second acquire at once, naming the holder', async () => {
        const held = await store.acquireLock({ operation: 'apply' });
        const otherClock = fakeClock();
        const other = await fixture.reopen(otherClock);
        const error = await other.acquireLock({ operation: 'plan' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LockedError);
        const locked = error as LockedError;
        expect(locked.code).toBe('STATE_LOCKED');
        expect(locked.holder).toEqual(held.info);
        for (const part of [held.info.id, 'apply', held.info.who, String(held.info.pid), held.info.since]) expect(locked.message).toContain(part);
        expect(locked.hint).toContain(`workspace-gitops state unlock ${held.info.id}`);
        expect(otherClock.sleeps).toEqual([]);
        expect(await store.readLock()).toEqual(held.info);
      });

      it('records who holds the lock, for what, and since when', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        expect(lock.info).toMatchObject({ operation: 'apply', since: clock.now().toISOString(), state: store.location });
        expect(lock.info.who).toMatch(/.+@.+/);
        expect(lock.info.id).not.toBe('');
        expect(await store.readLock()).toEqual(lock.info);
      });

      it('waits for a lock that is released within the timeout', async () => {
        const held = await store.acquireLock({ operation: 'apply' });
        const otherClock = fakeClock();
        const other = await fixture.reopen(otherClock);
        otherClock.onSleep(async () => {
          if (otherClock.sleeps.length === 3) await store.releaseLock(held);
        });
        const lock = await other.acquireLock({ operation: 'plan', timeoutMs: 5_000 });
        expect(lock.info.operation).toBe('plan');
        expect(otherClock.sleeps).toHaveLength(3);
        expect(await store.readLock()).toEqual(lock.info);
      });

      it('gives up after the timeout, polling on the injected clock', async () => {
        const held = await store.acquireLock({ operation: 'apply' });
        const otherClock = fakeClock();
        const other = await fixture.reopen(otherClock);
        const error = await other.acquireLock({ operation: 'plan', timeoutMs: 1_100 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LockedError);
        expect((error as LockedError).message).toContain('after waiting');
        expect((error as LockedError).holder.id).toBe(held.info.id);
        expect(otherClock.sleeps.reduce((a, b) => a + b, 0)).toBe(1_100);
        expect(Math.max(...otherClock.sleeps)).toBeLessThanOrEqual(250);
      });

      it('breaks a lock by its id, and refuses a wrong id or no lock', async () => {
        const held = await store.acquireLock({ operation: 'apply' });
        await expect(store.forceUnlock('not-the-id')).rejects.toMatchObject({ code: 'STATE_LOCK_MISMATCH', message: expect.stringContaining(held.info.id) });
        expect(await store.readLock()).toEqual(held.info);
        expect(await store.forceUnlock(held.info.id)).toEqual(held.info);
        expect(await store.readLock()).toBeUndefined();
        await expect(store.forceUnlock(held.info.id)).rejects.toMatchObject({ code: 'STATE_NOT_LOCKED' });
        const again = await store.acquireLock({ operation: 'apply' });
        expect(again.info.id).not.toBe(held.info.id);
      });

      it('release leaves alone a lock that was broken and taken by someone else', async () => {
        const held = await store.acquireLock({ operation: 'apply' });
        await store.forceUnlock(held.info.id);
        const other = await fixture.reopen();
        const theirs = await other.acquireLock({ operation: 'apply' });
        await store.releaseLock(held);
        expect(await store.readLock()).toEqual(theirs.info);
        await expect(store.write(snapshotOf([], { serial: 1 }), held)).rejects.toMatchObject({ code: 'STATE_LOCK_NOT_HELD' });
      });
    });

    describe('journal', () => {
      it('keeps a recorded intent across a new store instance, in doubt', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        const i1 = intent('i-1', ['Desktop/alice', 'Desktop/bob']);
        await store.journal.recordIntent(i1, lock);
        const other = await fixture.reopen();
        expect(await other.journal.entries()).toEqual([i1]);
        expect(await other.journal.inDoubt()).toEqual([i1]);
      });

      it('refuses journal writes without the lock', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        await store.releaseLock(lock);
        await expect(store.journal.recordIntent(intent('i-1', ['Desktop/alice']), lock)).rejects.toMatchObject({ code: 'STATE_LOCK_NOT_HELD' });
        expect(await store.journal.entries()).toEqual([]);
      });

      it('lists intents in doubt through intent, unknown outcome and resolution', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        const i1 = intent('i-1', ['Desktop/alice']);
        const i2 = intent('i-2', ['Desktop/bob']);
        await store.journal.recordIntent(i1, lock);
        await store.journal.recordIntent(i2, lock);
        expect(await store.journal.inDoubt()).toEqual([i1, i2]);
        await store.journal.recordOutcome(outcome('i-1', 'unknown'), lock);
        await store.journal.recordOutcome(outcome('i-2', 'placed', { orderId: 'CS1' }), lock);
        expect(await store.journal.inDoubt()).toEqual([i1]);
        await store.journal.recordResolution(resolution('i-1', false), lock);
        expect(await store.journal.inDoubt()).toEqual([]);
        expect((await store.journal.entries()).map((e) => e.kind)).toEqual(['intent', 'intent', 'outcome', 'outcome', 'resolution']);
      });

      it('refuses a repeated intent id, an outcome for an unknown intent, and a second settlement', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        await store.journal.recordIntent(intent('i-1', ['Desktop/alice']), lock);
        await expect(store.journal.recordIntent(intent('i-1', ['Desktop/alice']), lock)).rejects.toMatchObject({ code: 'STATE_DUPLICATE_INTENT' });
        await expect(store.journal.recordOutcome(outcome('i-9', 'placed'), lock)).rejects.toMatchObject({ code: 'STATE_UNKNOWN_INTENT' });
        await store.journal.recordOutcome(outcome('i-1', 'failed'), lock);
        await expect(store.journal.recordResolution(resolution('i-1', true), lock)).rejects.toMatchObject({ code: 'STATE_ALREADY_SETTLED' });
        expect(await store.journal.entries()).toHaveLength(2);
      });

      it('refuses a new intent for a resource held by an intent in doubt, until it is settled', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        await store.journal.recordIntent(intent('i-1', ['Desktop/a', 'Desktop/b']), lock);
        await store.journal.recordOutcome(outcome('i-1', 'unknown'), lock);
        const error = await store.journal.recordIntent(intent('i-2', ['Desktop/c', 'Desktop/b']), lock).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'STATE_IN_DOUBT', message: expect.stringContaining('Desktop/b is held by order intent i-1') });
        await store.journal.recordIntent(intent('i-3', ['Desktop/c']), lock);
        await store.journal.recordResolution(resolution('i-1', false), lock);
        await store.journal.recordIntent(intent('i-4', ['Desktop/b']), lock);
        expect((await store.journal.inDoubt()).map((i) => i.id)).toEqual(['i-3', 'i-4']);
      });

      it('compacts settled intents away and keeps everything unsettled', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        const [i1, i2, i3, i4] = [intent('i-1', ['Desktop/a']), intent('i-2', ['Desktop/b']), intent('i-3', ['Desktop/c']), intent('i-4', ['Desktop/d'])];
        for (const i of [i1, i2, i3, i4]) await store.journal.recordIntent(i, lock);
        await store.journal.recordOutcome(outcome('i-1', 'placed', { orderId: 'CS1' }), lock);
        await store.journal.recordOutcome(outcome('i-2', 'unknown'), lock);
        await store.journal.recordOutcome(outcome('i-3', 'failed'), lock);
        await store.journal.compact(['i-1', 'i-2', 'i-3'], lock);
        const left = await store.journal.entries();
        expect(left).toEqual([i2, i4, outcome('i-2', 'unknown')]);
        expect(await store.journal.inDoubt()).toEqual([i2, i4]);
        // The journal still takes appends after the file was replaced.
        await store.journal.recordResolution(resolution('i-2', true, { orderId: 'CS2' }), lock);
        expect(await store.journal.inDoubt()).toEqual([i4]);
        const other = await fixture.reopen();
        expect(await other.journal.entries()).toHaveLength(4);
      });

      it('refuses to compact without the lock', async () => {
        const lock = await store.acquireLock({ operation: 'apply' });
        await store.releaseLock(lock);
        await expect(store.journal.compact(['i-1'], lock)).rejects.toMatchObject({ code: 'STATE_LOCK_NOT_HELD' });
      });
    });
  });
}
