/** Recorded state: the reconciler's ledger of what it ordered, and the journal that makes ordering safe. */
import type { OrderBody, OrderType } from '../workspace/order-schema.js';

export const STATE_FORMAT_VERSION = 1;

export type ResourceStatus = 'ordered' | 'active' | 'failed' | 'in-doubt';

/** A JSON value as stored; specs are normalized (keys sorted, defaults applied) before they are hashed. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ApiErrorRecord {
  status?: number;
  code: string;
  message: string;
}

export interface ResourceRecord {
  /** `Kind/name`. */
  address: string;
  kind: string;
  name: string;
  /** The normalized spec last ordered successfully; absent when nothing was ever placed. */
  spec?: JsonObject;
  /** sha256 of the canonical JSON of `spec`. */
  spec_hash?: string;
  status: ResourceStatus;
  /** Every order placed for this resource, oldest first. */
  order_ids: string[];
  /** The journal intent that last changed this record (folding an intent twice is a no-op). */
  last_intent?: string;
  /** The in-doubt intent holding this resource, while it is in doubt. */
  in_doubt_intent?: string;
  /** Status to return to when an in-doubt intent is settled as not placed. */
  status_before_doubt?: ResourceStatus;
  /** Cloud ids once known: desktop_id, pool id, bandwidth_id, dedicated_host_id … */
  cloud_id?: string;
  /** Further facts learned from the cloud (e.g. desktop ids per DesktopInternet member). */
  cloud?: JsonObject;
  /** The API's error when the last order failed. */
  error?: ApiErrorRecord;
  /** Set while an order waits for payment (is_auto_pay false). */
  awaiting_payment?: boolean;
  created_at: string;
  updated_at: string;
}

export interface StateSnapshot {
  format_version: number;
  /** Random id fixed when the state is first created; a plan is bound to it. */
  lineage: string;
  /** Increases by one on every write. */
  serial: number;
  resources: Record<string, ResourceRecord>;
  updated_at?: string;
}

export interface LockInfo {
  id: string;
  operation: string;
  /** user@host */
  who: string;
  pid: number;
  /** ISO time the lock was taken. */
  since: string;
  state: string;
}

/** Proof of holding the lock; every write takes one. */
export interface LockHandle {
  readonly info: LockInfo;
}

/** What a placed order turns each of its addresses into. */
export interface IntentTarget {
  kind: string;
  name: string;
  spec: JsonObject;
  spec_hash: string;
}

export interface OrderIntent {
  kind: 'intent';
  /** Deterministic: the same order from the same recorded state has the same id. */
  id: string;
  type: OrderType;
  addresses: string[];
  body: OrderBody;
  targets: Record<string, IntentTarget>;
  at: string;
}

export interface OrderOutcome {
  kind: 'outcome';
  intent_id: string;
  result: 'placed' | 'failed' | 'unknown';
  order_id?: string;
  job_id?: string;
  error?: ApiErrorRecord;
  at: string;
}

export interface OrderResolution {
  kind: 'resolution';
  intent_id: string;
  placed: boolean;
  /** The order id adopted from evidence, when known. */
  order_id?: string;
  by: 'evidence' | 'operator';
  evidence: string;
  at: string;
}

export type JournalEntry = OrderIntent | OrderOutcome | OrderResolution;

export interface Journal {
  /** Durable (fsync'd) before it returns: only then may the order be sent. */
  recordIntent(intent: OrderIntent, lock: LockHandle): Promise<void>;
  recordOutcome(outcome: OrderOutcome, lock: LockHandle): Promise<void>;
  recordResolution(resolution: OrderResolution, lock: LockHandle): Promise<void>;
  /** Every entry still in the journal, in the order written. */
  entries(): Promise<JournalEntry[]>;
  /** Intents with no outcome, or an `unknown` outcome, and no resolution. */
  inDoubt(): Promise<OrderIntent[]>;
  /** Move settled intents (and their outcome/resolution entries) out of the live journal into the archive. */
  compact(settledIntentIds: readonly string[], lock: LockHandle): Promise<void>;
}

export interface AcquireOptions {
  operation: string;
  /** Wait up to this long for a held lock; 0 (default) fails at once. */
  timeoutMs?: number;
}

export interface StateStore {
  /** Human-readable location, e.g. `file:.workspace-gitops/state.json`. */
  readonly location: string;
  readonly journal: Journal;
  /** The current snapshot; an empty one (serial 0, lineage '') when none exists yet. */
  read(): Promise<StateSnapshot>;
  /**
   * Replace the snapshot atomically. `next.serial` must be the serial read plus one and `next.lineage`
   * unchanged, or the write is refused (someone else wrote in between).
   */
  write(next: StateSnapshot, lock: LockHandle): Promise<void>;
  acquireLock(options: AcquireOptions): Promise<LockHandle>;
  releaseLock(lock: LockHandle): Promise<void>;
  readLock(): Promise<LockInfo | undefined>;
  /** Break a lock by its id (for a holder that died); fails if the id does not match. */
  forceUnlock(id: string): Promise<LockInfo>;
  /** Release file handles or connections held by the store. */
  close(): Promise<void>;
}
