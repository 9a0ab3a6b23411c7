import { describe, expect, it } from 'vitest';
import { foldJournal, type JournalEntry, type OrderIntent, type StateSnapshot } from '../../src/state/index.js';
import { desktopSpec, intent, iso, outcome, record, resolution, snapshotOf } from './helpers.js';

const NOW = new Date('2025-03-01T09:00:00.000Z');
const EMPTY: StateSnapshot = { format_version: 1, lineage: '', serial: 0, resources: {} };

function fold(snapshot: StateSnapshot, entries: JournalEntry[]): StateSnapshot {
  return foldJournal(snapshot, entries, NOW);
}

describe('foldJournal', () => {
  describe('placed', () => {
    it('creates a record from the intent target, with the order id, awaiting payment without auto-pay', () => {
      const i1 = intent('i-1', ['Desktop/alice'], { at: iso(0) });
      const result = fold(EMPTY, [i1, outcome('i-1', 'placed', { orderId: 'CS1', at: iso(500) })]);
      expect(result.resources['Desktop/alice']).toEqual({
        address: 'Desktop/alice',
        kind: 'Desktop',
        name: 'alice',
        spec: desktopSpec('alice'),
        spec_hash: i1.targets['Desktop/alice']!.spec_hash,
        status: 'ordered',
        order_ids: ['CS1'],
        last_intent: 'i-1',
        awaiting_payment: true,
        created_at: iso(0),
        updated_at: iso(500),
      });
      expect(result.updated_at).toBe(NOW.toISOString());
      expect(result.serial).toBe(0);
    });

    it('is not awaiting payment with auto-pay on', () => {
      const result = fold(EMPTY, [intent('i-1', ['Desktop/alice'], { autoPay: true }), outcome('i-1', 'placed', { orderId: 'CS1' })]);
      expect(result.resources['Desktop/alice']?.awaiting_payment).toBe(false);
    });

    it('updates an existing record: new spec, order id appended once, error cleared, cloud facts kept', () => {
      const before = snapshotOf([record('Desktop/alice', { status: 'failed', error: { code: 'X', message: 'y' } })]);
      const i1 = intent('i-1', ['Desktop/alice'], { size: 120 });
      const result = fold(before, [i1, outcome('i-1', 'placed', { orderId: 'CS2' })]);
      const rec = result.resources['Desktop/alice']!;
      expect(rec).toMatchObject({ status: 'ordered', spec: desktopSpec('alice', 120), order_ids: ['CS0000000001', 'CS2'], cloud_id: 'desktop-alice', created_at: before.resources['Desktop/alice']!.created_at });
      expect(rec.error).toBeUndefined();
      expect(rec.in_doubt_intent).toBeUndefined();
      expect(rec.status_before_doubt).toBeUndefined();
    });

    it('places every address of a batched order', () => {
      const result = fold(EMPTY, [intent('i-1', ['Desktop/a', 'Desktop/b']), outcome('i-1', 'placed', { orderId: 'CS1' })]);
      expect(Object.values(result.resources).map((r) => [r.address, r.status, r.order_ids])).toEqual([
        ['Desktop/a', 'ordered', ['CS1']],
        ['Desktop/b', 'ordered', ['CS1']],
      ]);
    });
  });

  describe('failed', () => {
    it('records the error and keeps the spec of an existing record', () => {
      const before = snapshotOf([record('Desktop/alice')]);
      const result = fold(before, [intent('i-1', ['Desktop/alice'], { size: 200 }), outcome('i-1', 'failed', { at: iso(700) })]);
      expect(result.resources['Desktop/alice']).toMatchObject({
        status: 'failed',
        error: { status: 400, code: 'WKS.0001', message: 'bad request' },
        spec: desktopSpec('alice'),
        last_intent: 'i-1',
        updated_at: iso(700),
      });
    });

    it('gives a new record no spec', () => {
      const rec = fold(EMPTY, [intent('i-1', ['Desktop/alice']), outcome('i-1', 'failed')]).resources['Desktop/alice']!;
      expect(rec).toMatchObject({ status: 'failed', order_ids: [], last_intent: 'i-1' });
      expect(rec.spec).toBeUndefined();
      expect(rec.status_before_doubt).toBeUndefined();
    });
  });

  describe('in doubt', () => {
    it('marks a new record in doubt with no previous status', () => {
      const rec = fold(EMPTY, [intent('i-1', ['Desktop/alice'])]).resources['Desktop/alice']!;
      expect(rec).toMatchObject({ status: 'in-doubt', in_doubt_intent: 'i-1', order_ids: [] });
      expect(rec.status_before_doubt).toBeUndefined();
      expect(rec.spec).toBeUndefined();
    });

    it('marks an existing record in doubt after an unknown outcome, remembering its status and keeping its spec', () => {
      const before = snapshotOf([record('Desktop/alice')]);
      const rec = fold(before, [intent('i-1', ['Desktop/alice'], { size: 300 }), outcome('i-1', 'unknown')]).resources['Desktop/alice']!;
      expect(rec).toMatchObject({ status: 'in-doubt', in_doubt_intent: 'i-1', status_before_doubt: 'active', spec: desktopSpec('alice') });
    });
  });

  describe('resolution', () => {
    it('placed: true settles as placed, adopting the order id from the evidence', () => {
      const entries = [intent('i-1', ['Desktop/alice']), outcome('i-1', 'unknown'), resolution('i-1', true, { orderId: 'CS9', at: iso(9000) })];
      expect(fold(EMPTY, entries).resources['Desktop/alice']).toMatchObject({ status: 'ordered', order_ids: ['CS9'], updated_at: iso(9000) });
    });

    it('placed: false returns an existing record to its previous status', () => {
      const before = snapshotOf([record('Desktop/alice')]);
      const doubted = fold(before, [intent('i-1', ['Desktop/alice'], { size: 300 })]);
      const settled = fold(doubted, [intent('i-1', ['Desktop/alice'], { size: 300 }), resolution('i-1', false)]);
      const rec = settled.resources['Desktop/alice']!;
      expect(rec).toMatchObject({ status: 'active', spec: desktopSpec('alice'), order_ids: ['CS0000000001'] });
      expect(rec.in_doubt_intent).toBeUndefined();
      expect(rec.status_before_doubt).toBeUndefined();
    });

    it('placed: false removes a record that only existed because of the intent', () => {
      const entries = [intent('i-1', ['Desktop/alice', 'Desktop/bob'])];
      const before = snapshotOf([record('Desktop/bob')]);
      const doubted = fold(before, entries);
      expect(Object.keys(doubted.resources)).toEqual(['Desktop/bob', 'Desktop/alice']);
      const settled = fold(doubted, [...entries, resolution('i-1', false)]);
      expect(Object.keys(settled.resources)).toEqual(['Desktop/bob']);
      expect(settled.resources['Desktop/bob']!.status).toBe('active');
    });
  });

  describe('purity and idempotence', () => {
    it('does not change its input', () => {
      const before = snapshotOf([record('Desktop/alice')]);
      const frozen = structuredClone(before);
      fold(before, [intent('i-1', ['Desktop/alice', 'Desktop/bob']), outcome('i-1', 'placed', { orderId: 'CS1' })]);
      expect(before).toEqual(frozen);
    });

    it('changes nothing, not even updated_at, when folded again', () => {
      const entries = [intent('i-1', ['Desktop/alice']), outcome('i-1', 'placed', { orderId: 'CS1' })];
      const once = fold(EMPTY, entries);
      expect(foldJournal(once, entries, new Date('2030-01-01T00:00:00Z'))).toEqual(once);
    });

    it('ignores outcomes whose intent is not among the entries', () => {
      const before = snapshotOf([record('Desktop/alice')]);
      expect(fold(before, [outcome('gone', 'placed', { orderId: 'CS7' })])).toEqual(before);
    });

    it('does not replay an old intent over a newer one', () => {
      const entries = [
        intent('i-1', ['Desktop/alice'], { size: 100 }),
        outcome('i-1', 'placed', { orderId: 'CS1' }),
        intent('i-2', ['Desktop/alice'], { size: 200 }),
        outcome('i-2', 'placed', { orderId: 'CS2' }),
      ];
      const once = fold(EMPTY, entries);
      expect(once.resources['Desktop/alice']).toMatchObject({ spec: desktopSpec('alice', 200), order_ids: ['CS1', 'CS2'], last_intent: 'i-2' });
      // A later clock shows any replay: the snapshot would be stamped as changed.
      expect(foldJournal(once, entries, new Date('2030-01-01T00:00:00Z'))).toEqual(once);
    });
  });

  describe('generated journals', () => {
    // Property: for any journal that follows the journal's protocol, folding it in any number of runs
    // (every prefix first, then all of it) gives what folding it once gives, and a second fold is a no-op.
    it.each(Array.from({ length: 300 }, (_, seed) => seed))('seed %i: a prefix then everything equals everything at once', (seed) => {
      const { start, entries } = generateJournal(seed);
      const once = fold(start, entries);
      expect(foldJournal(once, entries, new Date('2030-01-01T00:00:00Z'))).toEqual(once);
      for (let cut = 0; cut <= entries.length; cut += 1) {
        const prefix = fold(start, entries.slice(0, cut));
        expect(fold(prefix, entries), `cut at ${cut}`).toEqual(once);
      }
      // Once nothing is in doubt, the journal's effect no longer depends on how many runs it took.
      const twoSteps = fold(fold(start, entries.slice(0, Math.floor(entries.length / 2))), entries);
      expect(twoSteps).toEqual(once);
    });
  });
});

/** Small deterministic PRNG (mulberry32) so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed + 0x6d2b79f5;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A journal as the journal's rules allow it (see journal-rules.ts): unique intent ids; per intent any
 * number of `unknown` outcomes, then at most one definite outcome or resolution; no new intent for a
 * resource held by an unsettled one; settlements may come after later intents for other resources.
 */
function generateJournal(seed: number): { start: StateSnapshot; entries: JournalEntry[] } {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const addresses = ['Desktop/a', 'Desktop/b', 'Desktop/c', 'DesktopPool/p'];
  const start = snapshotOf(rand() < 0.5 ? [record('Desktop/a'), record('DesktopPool/p', { status: 'ordered' })] : []);
  const entries: JournalEntry[] = [];
  const open: OrderIntent[] = [];
  let t = 0;
  const steps = 4 + Math.floor(rand() * 14);
  for (let n = 0, next = 1; n < steps; n += 1) {
    t += 1000;
    const free = addresses.filter((a) => !open.some((o) => o.addresses.includes(a)));
    if (free.length > 0 && (open.length === 0 || rand() < 0.45)) {
      const id = `i-${next++}`;
      const chosen = free.filter(() => rand() < 0.4);
      const made = intent(id, chosen.length > 0 ? chosen : [pick(free)], { at: iso(t), size: 80 + 10 * Math.floor(rand() * 5), autoPay: rand() < 0.5 });
      entries.push(made);
      open.push(made);
      continue;
    }
    const settling = pick(open);
    const id = settling.id;
    const roll = rand();
    if (roll < 0.2) {
      entries.push(outcome(id, 'unknown', { at: iso(t) }));
      continue;
    }
    open.splice(open.indexOf(settling), 1);
    if (roll < 0.5) entries.push(outcome(id, 'placed', { at: iso(t), orderId: `CS-${id}` }));
    else if (roll < 0.65) entries.push(outcome(id, 'failed', { at: iso(t) }));
    else if (roll < 0.85) entries.push(resolution(id, false, { at: iso(t) }));
    else entries.push(resolution(id, true, { at: iso(t), ...(rand() < 0.5 ? { orderId: `CS-r-${id}` } : {}) }));
  }
  return { start, entries };
}
