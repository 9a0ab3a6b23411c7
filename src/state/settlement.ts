/**
 * What the journal says happened to each intent. Shared by `inDoubt()` and `foldJournal`, so the list
 * of in-doubt orders and the folded state can never disagree.
 */
import type { ApiErrorRecord, JournalEntry, OrderIntent, OrderOutcome, OrderResolution } from './types.js';

export type Settlement =
  | { result: 'placed'; order_id?: string; at: string }
  | { result: 'failed'; error?: ApiErrorRecord; at: string }
  | { result: 'not-placed'; at: string }
  | { result: 'in-doubt' };

export interface IntentGroup {
  /** The first intent entry with this id (ids are unique; recordIntent refuses a repeat). */
  intent: OrderIntent;
  outcomes: OrderOutcome[];
  resolution?: OrderResolution;
}

/**
 * Group entries by intent, intents in journal order. Outcomes and resolutions whose intent is not in
 * `entries` are dropped: without the intent's addresses and targets they cannot change anything.
 */
export function groupByIntent(entries: readonly JournalEntry[]): IntentGroup[] {
  const groups = new Map<string, IntentGroup>();
  for (const entry of entries) {
    if (entry.kind === 'intent') {
      if (!groups.has(entry.id)) groups.set(entry.id, { intent: entry, outcomes: [] });
      continue;
    }
    const group = groups.get(entry.intent_id);
    if (group === undefined) continue;
    if (entry.kind === 'outcome') group.outcomes.push(entry);
    // The first resolution settles it; a later one would contradict a settled fact, so it is ignored.
    else group.resolution ??= entry;
  }
  return [...groups.values()];
}

/**
 * A resolution wins (it is the evidence or the operator's decision); then the last definite outcome
 * (placed or failed); `unknown` outcomes or none at all leave the intent in doubt.
 */
export function settle(group: IntentGroup): Settlement {
  const { resolution, outcomes } = group;
  const definite = outcomes.filter((o) => o.result !== 'unknown').at(-1);
  if (resolution !== undefined) {
    if (!resolution.placed) return { result: 'not-placed', at: resolution.at };
    const orderId = resolution.order_id ?? definite?.order_id ?? outcomes.findLast((o) => o.order_id !== undefined)?.order_id;
    return { result: 'placed', at: resolution.at, ...(orderId === undefined ? {} : { order_id: orderId }) };
  }
  if (definite === undefined) return { result: 'in-doubt' };
  if (definite.result === 'placed') {
    return { result: 'placed', at: definite.at, ...(definite.order_id === undefined ? {} : { order_id: definite.order_id }) };
  }
  return { result: 'failed', at: definite.at, ...(definite.error === undefined ? {} : { error: definite.error }) };
}
