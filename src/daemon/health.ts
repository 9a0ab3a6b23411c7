/**
 * /readyz: the daemon is ready once a run has finished (whatever its result: a failing run is
 * reported by /metrics, and the daemon keeps working) and no state lock is stuck — held longer than a
 * threshold by another process, which would block every run until someone breaks it.
 */
import type { LockInfo } from '../state/types.js';

export interface Readiness {
  ready: boolean;
  reasons: string[];
  last_run: Record<string, unknown> | null;
  lock: (LockInfo & { stuck: boolean }) | null;
}

export interface ProcessIdentity {
  pid: number;
  hostname: string;
}

export interface ReadinessDeps {
  /** A summary of the last finished run, or undefined before the first one. */
  lastRun: () => Record<string, unknown> | undefined;
  /** The lock of the state the last run used; undefined when no state is known yet or it is unlocked. */
  readLock: () => Promise<LockInfo | undefined>;
  now: () => Date;
  stuckAfterMs: number;
  self: ProcessIdentity;
}

function heldByUs(lock: LockInfo, self: ProcessIdentity): boolean {
  return lock.pid === self.pid && lock.who.slice(lock.who.lastIndexOf('@') + 1) === self.hostname;
}

export function lockIsStuck(lock: LockInfo, now: Date, stuckAfterMs: number, self: ProcessIdentity): boolean {
  const since = Date.parse(lock.since);
  return !heldByUs(lock, self) && Number.isFinite(since) && now.getTime() - since > stuckAfterMs;
}

export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  const reasons: string[] = [];
  const lastRun = deps.lastRun();
  if (!lastRun) reasons.push('no run has finished yet');
  let lock: Readiness['lock'] = null;
  try {
    const info = await deps.readLock();
    if (info) {
      const stuck = lockIsStuck(info, deps.now(), deps.stuckAfterMs, deps.self);
      lock = { ...info, stuck };
      if (stuck) reasons.push(`the state lock ${info.id} has been held by ${info.who} (pid ${info.pid}) for "${info.operation}" since ${info.since}; if that process is gone, break it with: workspace-gitops state unlock ${info.id}`);
    }
  } catch (error) {
    reasons.push(`the state lock cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ready: reasons.length === 0, reasons, last_run: lastRun ?? null, lock };
}
