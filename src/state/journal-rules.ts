/**
 * The rules every journal append must keep, checked against an index of the live journal. They are
 * what foldJournal relies on: an intent id names one order; an intent is settled at most once; and a
 * resource held by an intent in doubt takes no new intent until that one is settled (the design's
 * "must not order those resources again until evidence settles it", enforced where it is recorded).
 */
import { StateError } from '../errors.js';
import type { JournalEntry, OrderIntent } from './types.js';

export class JournalIndex {
  private readonly intentIds = new Set<string>();
  /** Unsettled intents and their addresses. */
  private readonly open = new Map<string, readonly string[]>();
  /** Address → the unsettled intent holding it. */
  private readonly heldBy = new Map<string, string>();

  static of(entries: readonly JournalEntry[]): JournalIndex {
    const index = new JournalIndex();
    for (const entry of entries) index.add(entry);
    return index;
  }

  /** Throws a StateError if appending `entry` would break a rule. */
  check(entry: JournalEntry, file: string): void {
    if (entry.kind === 'intent') return this.checkIntent(entry, file);
    if (!this.intentIds.has(entry.intent_id)) {
      throw new StateError('STATE_UNKNOWN_INTENT', `there is no order intent ${entry.intent_id} in the journal ${file}`);
    }
    if (!this.open.has(entry.intent_id)) {
      throw new StateError(
        'STATE_ALREADY_SETTLED',
        `order intent ${entry.intent_id} is already settled (placed, failed or resolved) in the journal ${file}; only an intent in doubt takes another outcome or a resolution`,
      );
    }
  }

  add(entry: JournalEntry): void {
    if (entry.kind === 'intent') {
      this.intentIds.add(entry.id);
      this.open.set(entry.id, entry.addresses);
      for (const address of entry.addresses) this.heldBy.set(address, entry.id);
      return;
    }
    if (!settles(entry)) return;
    for (const address of this.open.get(entry.intent_id) ?? []) {
      if (this.heldBy.get(address) === entry.intent_id) this.heldBy.delete(address);
    }
    this.open.delete(entry.intent_id);
  }

  private checkIntent(intent: OrderIntent, file: string): void {
    if (this.intentIds.has(intent.id)) {
      // foldJournal skips an intent it already applied, so a reused id could hide a second order.
      throw new StateError('STATE_DUPLICATE_INTENT', `order intent ${intent.id} is already in the journal ${file}; intent ids must be unique`);
    }
    const held = intent.addresses.filter((address) => this.heldBy.has(address));
    const first = held[0];
    if (first !== undefined) {
      const holder = this.heldBy.get(first) ?? '';
      throw new StateError(
        'STATE_IN_DOUBT',
        `refusing to record order intent ${intent.id}: ${held.join(', ')} ${held.length === 1 ? 'is' : 'are'} held by order intent ${holder}, whose fate is not known yet`,
        `settle it first: the next run checks the evidence, or run workspace-gitops state resolve ${holder}`,
      );
    }
  }
}

/** A definite outcome or a resolution ends the doubt about an intent; an `unknown` outcome does not. */
function settles(entry: JournalEntry): boolean {
  return entry.kind === 'resolution' || (entry.kind === 'outcome' && entry.result !== 'unknown');
}
