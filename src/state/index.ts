/** Recorded state: the ledger of what was ordered (atomic, locked, versioned) and the order journal that makes ordering crash-safe. */
export * from './types.js';
export { LockedError } from './errors.js';
export { canonicalJson, specHash } from './canonical.js';
export { foldJournal } from './fold.js';
export { emptySnapshot, isEmptySnapshot } from './snapshot.js';
export { groupByIntent, settle, type IntentGroup, type Settlement } from './settlement.js';
export { DEFAULT_STATE_PATH, FileStateStore, type FileStoreDeps } from './file-store.js';
export { journalPaths } from './file-journal.js';
export { LOCK_POLL_MS } from './file-lock.js';
export { openStateStore, parseStateLocation, type OpenedStateStore, type StateLocation } from './location.js';
