/**
 * The file backend's lock: `state.json.lock` next to the state, holding the holder's LockInfo. Taking it
 * is one atomic file-system operation, so two processes can never both believe they hold it.
 */
import { link, mkdir, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateError } from '../errors.js';
import type { Logger } from '../log.js';
import { fsyncDir, isErrno, writeNewFile } from './durable-fs.js';
import { LockedError } from './errors.js';
import type { AcquireOptions, LockHandle, LockInfo } from './types.js';

/** How often a waiting acquireLock looks again. */
export const LOCK_POLL_MS = 250;

export interface FileLockDeps {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  randomId: () => string;
  logger: Logger;
  user: string;
  hostname: string;
  pid: number;
  /** Whether a pid runs on this host; only used to say a lock looks stale, never to break it. */
  isProcessAlive: (pid: number) => boolean;
}

export class FileLock {
  constructor(
    readonly file: string,
    /** The state location recorded in the lock, e.g. `file:/srv/repo/.workspace-gitops/state.json`. */
    private readonly location: string,
    private readonly deps: FileLockDeps,
  ) {}

  async acquire(options: AcquireOptions): Promise<LockHandle> {
    const { now, sleep, randomId } = this.deps;
    const timeoutMs = options.timeoutMs ?? 0;
    const started = now().getTime();
    const id = randomId();
    for (;;) {
      const info: LockInfo = {
        id,
        operation: options.operation,
        who: `${this.deps.user}@${this.deps.hostname}`,
        pid: this.deps.pid,
        since: now().toISOString(),
        state: this.location,
      };
      if (await this.tryCreate(info)) return Object.freeze({ info: Object.freeze(info) });
      const holder = await this.read();
      if (holder === undefined) continue; // released between our attempt and the read: try again at once
      const waited = now().getTime() - started;
      if (waited >= timeoutMs) {
        throw new LockedError(holder, { holderGone: this.holderGone(holder), ...(timeoutMs > 0 ? { waitedMs: waited } : {}) });
      }
      await sleep(Math.min(LOCK_POLL_MS, timeoutMs - waited));
    }
  }

  /** Removes the lock only while it is still ours: a lock broken and re-taken by someone else stays. */
  async release(lock: LockHandle): Promise<void> {
    const current = await this.read();
    if (current?.id !== lock.info.id) {
      this.deps.logger.warn('lock was already released or broken; leaving the current lock alone', {
        lock: lock.info.id,
        current: current?.id,
      });
      return;
    }
    await this.remove();
  }

  async read(): Promise<LockInfo | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
    return parseLockInfo(text, this.file);
  }

  async forceUnlock(id: string): Promise<LockInfo> {
    const current = await this.read();
    if (current === undefined) {
      throw new StateError('STATE_NOT_LOCKED', `state ${this.location} is not locked; there is nothing to unlock`);
    }
    if (current.id !== id) {
      throw new StateError(
        'STATE_LOCK_MISMATCH',
        `lock id ${id} does not match the current lock: ${describeHolder(current)}`,
        `to break that lock, run: workspace-gitops state unlock ${current.id}`,
      );
    }
    await this.remove();
    return current;
  }

  /** Every write and journal append proves the caller still holds the lock it was given. */
  async assertHeld(lock: LockHandle, action: string): Promise<void> {
    const current = await this.read();
    if (current === undefined) {
      throw new StateError(
        'STATE_LOCK_NOT_HELD',
        `cannot ${action}: state ${this.location} is not locked (lock ${lock.info.id} was released or broken)`,
        'take the lock before changing the state',
      );
    }
    if (current.id !== lock.info.id) {
      throw new StateError(
        'STATE_LOCK_NOT_HELD',
        `cannot ${action}: lock ${lock.info.id} is not the current lock; ${describeHolder(current)}`,
        'someone else holds the lock; run again once they are done',
      );
    }
  }

  /**
   * The lock's content is written to a temporary file first and then hard-linked into place: link()
   * fails if the lock exists, like open(…, 'wx'), but the lock never exists without its content, so a
   * crash can never leave an empty lock that nobody can name to break. File systems without hard
   * links fall back to open(…, 'wx').
   */
  private async tryCreate(info: LockInfo): Promise<boolean> {
    const text = `${JSON.stringify(info)}\n`;
    const temp = `${this.file}.${info.id}.${this.deps.randomId()}.tmp`;
    await mkdir(dirname(this.file), { recursive: true });
    await writeNewFile(temp, text);
    try {
      await link(temp, this.file);
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      if (isErrno(err, 'EPERM') || isErrno(err, 'ENOTSUP') || isErrno(err, 'ENOSYS')) return this.createExclusive(text);
      throw err;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    await fsyncDir(dirname(this.file));
    return true;
  }

  private async createExclusive(text: string): Promise<boolean> {
    try {
      await writeNewFile(this.file, text);
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      throw err;
    }
    await fsyncDir(dirname(this.file));
    return true;
  }

  private async remove(): Promise<void> {
    try {
      await unlink(this.file);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    await fsyncDir(dirname(this.file));
  }

  private holderGone(holder: LockInfo): boolean {
    const host = holder.who.slice(holder.who.lastIndexOf('@') + 1);
    return host === this.deps.hostname && !this.deps.isProcessAlive(holder.pid);
  }
}

export function describeHolder(info: LockInfo): string {
  return `held by ${info.who} (pid ${info.pid}) for "${info.operation}" since ${info.since} (lock id ${info.id})`;
}

/** Signal 0 checks existence; EPERM means it exists but belongs to someone else. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrno(err, 'EPERM');
  }
}

function parseLockInfo(text: string, file: string): LockInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const info = parsed as Partial<LockInfo> | undefined;
  const valid =
    typeof info === 'object' &&
    info !== null &&
    typeof info.id === 'string' &&
    typeof info.operation === 'string' &&
    typeof info.who === 'string' &&
    typeof info.pid === 'number' &&
    typeof info.since === 'string' &&
    typeof info.state === 'string';
  if (!valid) {
    throw new StateError(
      'STATE_CORRUPT',
      `lock file ${file} is unreadable: it does not hold a lock record`,
      'make sure no workspace-gitops process is running on this state, then delete the lock file by hand',
    );
  }
  return info as LockInfo;
}
