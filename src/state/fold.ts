/**
 * Folding the order journal into the recorded state. Pure: the same snapshot and entries always give
 * the same result, and folding again (the whole journal, or a prefix first and the whole later) changes
 * nothing more, because each record remembers the intent that last changed it.
 *
 * Every intent goes through the same two steps, whether it is folded at once or over several runs:
 * its resources are first marked in doubt, then its settlement (if any) is applied. That is what makes
 * "a prefix, then everything" equal to "everything at once". Outcomes and resolutions whose intent is
 * not among the entries are ignored: an outcome alone says nothing about which resources it placed, so
 * callers fold the whole live journal every time, never just the entries added since the last fold.
 * The journal's append rules (journal-rules.ts) are the precondition for all of this.
 */
import { StateError } from '../errors.js';
import { groupByIntent, settle, type IntentGroup, type Settlement } from './settlement.js';
import type { JournalEntry, OrderIntent, ResourceRecord, StateSnapshot } from './types.js';

/** Returns a new snapshot; the serial is the caller's to bump when it writes. `now` stamps the snapshot if anything changed. */
export function foldJournal(snapshot: StateSnapshot, entries: readonly JournalEntry[], now: Date): StateSnapshot {
  const resources: Record<string, ResourceRecord> = { ...snapshot.resources };
  const groups = groupByIntent(entries);
  const folded = foldedUpTo(snapshot, groups);
  const seen = new Map<string, number>();
  let changed = false;
  for (const group of groups) {
    const settlement = settle(group);
    for (const address of new Set(group.intent.addresses)) {
      const position = seen.get(address) ?? 0;
      seen.set(address, position + 1);
      // An earlier run folded this intent and later ones over it: replaying it would only go back in time.
      if (position < (folded.get(address) ?? -1)) continue;
      const before = resources[address];
      const after = foldAddress(before, address, group.intent, settlement);
      if (after === before) continue;
      changed = true;
      if (after === undefined) delete resources[address];
      else resources[address] = after;
    }
  }
  return { ...snapshot, resources, ...(changed ? { updated_at: now.toISOString() } : {}) };
}

/**
 * For each address, the position (among the intents naming it, in journal order) of the intent that
 * last changed its record. Every fold step sets `last_intent`, and the journal is append-only and
 * compacted oldest-first per address (see FileJournal.compact), so every intent before that one has
 * been folded already.
 */
function foldedUpTo(snapshot: StateSnapshot, groups: readonly IntentGroup[]): Map<string, number> {
  const positions = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const group of groups) {
    for (const address of new Set(group.intent.addresses)) {
      const position = counts.get(address) ?? 0;
      counts.set(address, position + 1);
      if (snapshot.resources[address]?.last_intent === group.intent.id) positions.set(address, position);
    }
  }
  return positions;
}

function foldAddress(record: ResourceRecord | undefined, address: string, intent: OrderIntent, settlement: Settlement): ResourceRecord | undefined {
  const heldInDoubt = record?.in_doubt_intent === intent.id;
  // Already folded and settled by this intent: nothing left to do.
  if (record !== undefined && record.last_intent === intent.id && !heldInDoubt) return record;
  if (settlement.result === 'in-doubt' && heldInDoubt) return record;
  const doubted = heldInDoubt && record !== undefined ? record : markInDoubt(record, address, intent);
  switch (settlement.result) {
    case 'in-doubt':
      return doubted;
    case 'placed':
      return markPlaced(doubted, address, intent, settlement.at, settlement.order_id);
    case 'failed': {
      const { in_doubt_intent: _i, status_before_doubt: _s, error: _e, ...rest } = doubted;
      return { ...rest, status: 'failed', ...(settlement.error === undefined ? {} : { error: settlement.error }), updated_at: settlement.at };
    }
    case 'not-placed':
      return restore(doubted, settlement.at);
  }
}

/** Until settled, the order may or may not exist: the resource must not be ordered again. */
function markInDoubt(record: ResourceRecord | undefined, address: string, intent: OrderIntent): ResourceRecord {
  const target = targetOf(intent, address);
  if (record === undefined) {
    return {
      address,
      kind: target.kind,
      name: target.name,
      status: 'in-doubt',
      order_ids: [],
      last_intent: intent.id,
      in_doubt_intent: intent.id,
      created_at: intent.at,
      updated_at: intent.at,
    };
  }
  // Held in doubt by another intent (the planner should prevent it): remember the status before the first doubt.
  const previous = record.status === 'in-doubt' ? record.status_before_doubt : record.status;
  const { status_before_doubt: _s, ...rest } = record;
  return {
    ...rest,
    status: 'in-doubt',
    last_intent: intent.id,
    in_doubt_intent: intent.id,
    ...(previous === undefined ? {} : { status_before_doubt: previous }),
    updated_at: intent.at,
  };
}

function markPlaced(record: ResourceRecord, address: string, intent: OrderIntent, at: string, orderId: string | undefined): ResourceRecord {
  const target = targetOf(intent, address);
  const { in_doubt_intent: _i, status_before_doubt: _s, error: _e, ...rest } = record;
  const orderIds = orderId === undefined || record.order_ids.includes(orderId) ? record.order_ids : [...record.order_ids, orderId];
  return {
    ...rest,
    kind: target.kind,
    name: target.name,
    spec: structuredClone(target.spec),
    spec_hash: target.spec_hash,
    status: 'ordered',
    order_ids: orderIds,
    // With auto-pay off the order waits in the customer's account until someone pays it.
    awaiting_payment: intent.body.extend_param?.is_auto_pay !== 'true',
    updated_at: at,
  };
}

/** Not placed: back to where it was; a record that only existed because of this intent goes away. */
function restore(record: ResourceRecord, at: string): ResourceRecord | undefined {
  const { in_doubt_intent: _i, status_before_doubt: previous, ...rest } = record;
  if (previous === undefined && record.spec === undefined && record.order_ids.length === 0) return undefined;
  // A record with history but no remembered status cannot come from this fold; keep it conservative.
  const status = previous ?? (record.order_ids.length > 0 ? 'ordered' : 'failed');
  return { ...rest, status, updated_at: at };
}

function targetOf(intent: OrderIntent, address: string) {
  const target = intent.targets[address];
  if (target === undefined) {
    throw new StateError(
      'STATE_CORRUPT',
      `order intent ${intent.id} lists ${address} but has no target for it, so it cannot be folded into the state`,
      'the journal entry was not written by workspace-gitops; repair it by hand',
    );
  }
  return target;
}
