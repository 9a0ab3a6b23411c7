/**
 * The recorded state as a command that holds the lock sees it: snapshot + journal, folded, and written
 * back (serial + 1) whenever the journal says more than the snapshot does.
 */
import { canonicalJson } from '../state/canonical.js';
import { failpoint } from '../failpoints.js';
import { foldJournal, groupByIntent, settle } from '../state/index.js';
import type { JournalEntry, LockHandle, OrderIntent, ResourceRecord, StateSnapshot, StateStore } from '../state/types.js';

/**
 * Whether two sets of records say the same thing. Folding and refreshing return the very same record
 * object for every resource they leave alone, so only the others need serializing: comparing 10,000
 * records as one canonical JSON text took longer than the journal appends of a whole apply.
 */
export function sameRecords(a: Readonly<Record<string, ResourceRecord>>, b: Readonly<Record<string, ResourceRecord>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const x = a[key];
    const y = b[key];
    return x === y || (y !== undefined && canonicalJson(x) === canonicalJson(y));
  });
}

export class Ledger {
  private snapshot: StateSnapshot | undefined;

  constructor(
    readonly store: StateStore,
    readonly lock: LockHandle,
    private readonly now: () => Date,
  ) {}

  /** The last snapshot written or read (call `checkpoint` first). */
  get current(): StateSnapshot {
    if (!this.snapshot) throw new Error('ledger used before checkpoint()');
    return this.snapshot;
  }

  async entries(): Promise<JournalEntry[]> {
    return this.store.journal.entries();
  }

  async inDoubt(): Promise<OrderIntent[]> {
    return this.store.journal.inDoubt();
  }

  /**
   * Fold the journal into the snapshot and write it when that changes anything; then move settled
   * intents out of the live journal. Afterwards `current` is what is on disk.
   */
  async checkpoint(): Promise<StateSnapshot> {
    const stored = await this.store.read();
    const entries = await this.store.journal.entries();
    const folded = entries.length === 0 ? stored : foldJournal(stored, entries, this.now());
    this.snapshot = sameRecords(folded.resources, stored.resources) ? stored : await this.write(stored, folded.resources);
    const settled = groupByIntent(entries)
      .filter((g) => settle(g).result !== 'in-doubt')
      .map((g) => g.intent.id);
    failpoint('after-checkpoint');
    if (settled.length > 0) await this.store.journal.compact(settled, this.lock);
    return this.snapshot;
  }

  /** Replace the records (e.g. ids learned by a refresh) when they differ from what is stored. */
  async writeRecords(records: Record<string, ResourceRecord>): Promise<StateSnapshot> {
    const base = this.current;
    if (sameRecords(records, base.resources)) return base;
    this.snapshot = await this.write(base, records);
    return this.snapshot;
  }

  private async write(base: StateSnapshot, resources: Record<string, ResourceRecord>): Promise<StateSnapshot> {
    const next: StateSnapshot = { ...base, resources, serial: base.serial + 1, updated_at: this.now().toISOString() };
    await this.store.write(next, this.lock);
    // The first write assigns the lineage; read it back so plans bind to what is on disk.
    return base.lineage === '' ? this.store.read() : next;
  }
}
