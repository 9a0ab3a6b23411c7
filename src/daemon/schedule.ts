/**
 * The cron trigger (node-cron syntax: an optional seconds field first, then minute hour day month
 * weekday, in the process's time zone). A tick only asks the runner for a run; the runner decides
 * whether it starts, queues or waits, so overlapping runs are ruled out in one place.
 */
import { createTask, validateDetailed, type ScheduledTask } from 'node-cron';
import { InvalidArgumentError } from 'commander';
import type { Logger } from '../log.js';

export function parseSchedule(expression: string): string {
  const trimmed = expression.trim();
  const check = validateDetailed(trimmed);
  if (!check.valid) {
    const problems = check.errors.map((e) => `${e.field}${e.value === undefined ? '' : ` "${e.value}"`}: ${e.message}`);
    throw new InvalidArgumentError(`not a cron expression (${problems.join('; ') || 'unrecognized'}); e.g. "*/5 * * * *" every five minutes or "0 */10 * * * *" with seconds`);
  }
  return trimmed;
}

export interface RunningSchedule {
  stop(): Promise<void>;
}

export async function startSchedule(expression: string, onTick: () => void, logger: Logger): Promise<RunningSchedule> {
  // noOverlap guards the callback itself; it returns at once, as the runner owns the real exclusion.
  const task: ScheduledTask = createTask(expression, () => onTick(), {
    name: 'workspace-gitops-reconcile',
    noOverlap: true,
    logger: {
      info: (message) => logger.debug('scheduler', { message }),
      warn: (message) => logger.warn('scheduler warning', { message }),
      error: (message) => logger.error('scheduler error', { message: String(message) }),
      debug: (message) => logger.debug('scheduler', { message: String(message) }),
    },
  });
  await task.start();
  return {
    async stop() {
      await task.destroy();
    },
  };
}
