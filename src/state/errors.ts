/** The lock error carries its holder, so the CLI can show who holds it and how to break a stale lock. */
import { StateError } from '../errors.js';
import type { LockInfo } from './types.js';

export class LockedError extends StateError {
  readonly holder: LockInfo;

  constructor(holder: LockInfo, options: { holderGone?: boolean; waitedMs?: number } = {}) {
    const waited = options.waitedMs ? ` after waiting ${formatSeconds(options.waitedMs)}` : '';
    const gone = options.holderGone ? `; pid ${holder.pid} is not running on this host, so the lock looks stale` : '';
    super(
      'STATE_LOCKED',
      `state ${holder.state} is locked${waited}: lock ${holder.id} is held by ${holder.who} (pid ${holder.pid}) ` +
        `for "${holder.operation}" since ${holder.since}${gone}`,
      `if that process is gone, break the lock with: workspace-gitops state unlock ${holder.id}`,
    );
    this.holder = holder;
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}
