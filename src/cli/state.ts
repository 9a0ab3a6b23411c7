/** Opening the recorded state the config points at, and reading it with the journal folded in. */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import { foldJournal, openStateStore, parseStateLocation, type OpenedStateStore, type StateSnapshot } from '../state/index.js';
import type { Io } from './io.js';

export function openState(config: Config, io: Io, logger: Logger): OpenedStateStore {
  const location = parseStateLocation(config.state, config.root);
  return openStateStore(location, {
    now: () => io.now(),
    hostname: os.hostname(),
    user: safeUser(),
    pid: process.pid,
    randomId: () => randomUUID(),
    logger,
  });
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * The snapshot as it stands once every journal entry is taken into account: intents of a run that died
 * show up as in doubt, outcomes not yet checkpointed are applied. Read-only; nothing is written.
 */
export async function readCurrentState(store: OpenedStateStore, now: Date): Promise<StateSnapshot> {
  const snapshot = await store.read();
  const entries = await store.journal.entries();
  return entries.length === 0 ? snapshot : foldJournal(snapshot, entries, now);
}
