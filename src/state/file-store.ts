/**
 * The `file:PATH` state backend: the snapshot in one JSON file replaced atomically, a lock file next to
 * it, and the order journal beside them. Suits one machine or a shared volume with POSIX semantics.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname as osHostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { StateError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { isErrno, writeFileAtomic } from './durable-fs.js';
import { FileJournal, journalPaths } from './file-journal.js';
import { FileLock, isProcessAlive } from './file-lock.js';
import { emptySnapshot, isEmptySnapshot, parseSnapshot, serializeSnapshot, snapshotProblem } from './snapshot.js';
import { STATE_FORMAT_VERSION, type AcquireOptions, type LockHandle, type LockInfo, type StateSnapshot, type StateStore } from './types.js';

/** The CLI's default, relative to the config's directory. */
export const DEFAULT_STATE_PATH = '.workspace-gitops/state.json';

export interface FileStoreDeps {
  now: () => Date;
  hostname?: string;
  user?: string;
  pid?: number;
  sleep?: (ms: number) => Promise<void>;
  randomId?: () => string;
  logger?: Logger;
  /** Defaults to a signal-0 probe; injectable so tests can stage a dead holder. */
  isProcessAlive?: (pid: number) => boolean;
}

export class FileStateStore implements StateStore {
  readonly location: string;
  readonly file: string;
  readonly journal: FileJournal;
  private readonly lock: FileLock;
  private readonly randomId: () => string;

  constructor(path: string, deps: FileStoreDeps) {
    this.file = resolve(path);
    this.location = `file:${this.file}`;
    this.randomId = deps.randomId ?? randomUUID;
    const logger = deps.logger ?? silentLogger;
    this.lock = new FileLock(`${this.file}.lock`, this.location, {
      now: deps.now,
      sleep: deps.sleep ?? ((ms) => sleepFor(ms)),
      randomId: this.randomId,
      logger,
      user: deps.user ?? currentUser(),
      hostname: deps.hostname ?? osHostname(),
      pid: deps.pid ?? process.pid,
      isProcessAlive: deps.isProcessAlive ?? isProcessAlive,
    });
    const paths = journalPaths(this.file);
    this.journal = new FileJournal(paths.journal, paths.archive, this.lock, { randomId: this.randomId, logger });
  }

  async read(): Promise<StateSnapshot> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return emptySnapshot();
      throw new StateError('STATE_UNREADABLE', `cannot read state file ${this.file}: ${(err as Error).message}`, undefined, err);
    }
    return parseSnapshot(text, this.file);
  }

  async write(next: StateSnapshot, lock: LockHandle): Promise<void> {
    await this.lock.assertHeld(lock, 'write the state');
    const problem = snapshotProblem(next);
    if (problem) throw new StateError('STATE_INVALID_SNAPSHOT', `refusing to write state ${this.file}: ${problem}`);
    const stored = await this.read();
    const lineage = checkSuccessor(stored, next, this.file) ?? this.randomId();
    const snapshot: StateSnapshot = {
      format_version: STATE_FORMAT_VERSION,
      lineage,
      serial: next.serial,
      ...(next.updated_at === undefined ? {} : { updated_at: next.updated_at }),
      resources: next.resources,
    };
    await writeFileAtomic(this.file, serializeSnapshot(snapshot), this.randomId);
  }

  acquireLock(options: AcquireOptions): Promise<LockHandle> {
    return this.lock.acquire(options);
  }

  releaseLock(lock: LockHandle): Promise<void> {
    return this.lock.release(lock);
  }

  readLock(): Promise<LockInfo | undefined> {
    return this.lock.read();
  }

  forceUnlock(id: string): Promise<LockInfo> {
    return this.lock.forceUnlock(id);
  }

  /** Closes the journal's append descriptor. Does not release the lock. */
  close(): Promise<void> {
    return this.journal.close();
  }
}

/**
 * `next` must follow `stored`: same lineage and the next serial. Returns the lineage to write, or
 * undefined when this first write should get a fresh one.
 */
function checkSuccessor(stored: StateSnapshot, next: StateSnapshot, file: string): string | undefined {
  const expected = stored.serial + 1;
  if (isEmptySnapshot(stored)) {
    if (next.serial !== expected) throw conflict(file, next.serial, stored.serial);
    return next.lineage === '' ? undefined : next.lineage;
  }
  if (next.lineage !== stored.lineage) {
    throw new StateError(
      'STATE_LINEAGE_MISMATCH',
      `refusing to write state ${file}: the new snapshot has lineage "${next.lineage}" but the stored state has lineage "${stored.lineage}"; it was made from a different state`,
      'check that --state (or `state:` in workspace-gitops.yaml) points at the state this run read',
    );
  }
  if (next.serial !== expected) throw conflict(file, next.serial, stored.serial);
  return stored.lineage;
}

function conflict(file: string, serial: number, storedSerial: number): StateError {
  return new StateError(
    'STATE_CONFLICT',
    `refusing to write state ${file}: the new snapshot has serial ${serial} but the stored serial is ${storedSerial}, so it must be ${storedSerial + 1}; someone else wrote the state in between`,
    'run the command again: it will start from the current state',
  );
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // Containers often run as a uid with no passwd entry.
    return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown';
  }
}
