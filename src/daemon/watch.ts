/**
 * The --watch trigger: chokidar on the desired-state folder, the policies folder and the config file.
 * An editor's save is several events (write, rename, chmod), and a `git checkout` is hundreds; they
 * are gathered until the files have been quiet for `debounceMs`, then make one trigger.
 */
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../log.js';
import type { Timers } from './runner.js';

export interface WatchOptions {
  paths: readonly string[];
  /** Quiet time after the last event before the trigger fires. */
  debounceMs: number;
  /** How long a file's size must hold still before it counts as written (chokidar's awaitWriteFinish). */
  stabilityMs: number;
  timers: Timers;
  logger: Logger;
}

export interface RunningWatcher {
  close(): Promise<void>;
}

const YAML = /\.ya?ml$/i;
const DIRECTORY_EVENTS = new Set(['addDir', 'unlinkDir']);

/** Only what the loader reads matters: YAML files, not hidden ones (the loader skips those too). */
function relevant(event: string, file: string, roots: ReadonlySet<string>): boolean {
  if (roots.has(file)) return true;
  if (path.basename(file).startsWith('.')) return false;
  return DIRECTORY_EVENTS.has(event) || YAML.test(file);
}

export async function startWatcher(options: WatchOptions, onChange: () => void): Promise<RunningWatcher> {
  const roots = new Set(options.paths.map((p) => path.resolve(p)));
  const watcher: FSWatcher = watch([...roots], {
    ignoreInitial: true,
    // Hidden entries below the roots (.git, editor swap files) are never read by the loader.
    ignored: (p: string) => !roots.has(path.resolve(p)) && path.basename(p).startsWith('.'),
    awaitWriteFinish: { stabilityThreshold: options.stabilityMs, pollInterval: Math.max(10, Math.floor(options.stabilityMs / 4)) },
  });
  let pending: unknown;
  let events = 0;
  watcher.on('all', (event, file) => {
    if (!relevant(event, path.resolve(file), roots)) return;
    events++;
    if (pending !== undefined) options.timers.clearTimeout(pending);
    pending = options.timers.setTimeout(() => {
      pending = undefined;
      options.logger.info('files changed', { events });
      events = 0;
      onChange();
    }, options.debounceMs);
  });
  watcher.on('error', (error) => options.logger.warn('file watcher error', { error: error instanceof Error ? error.message : String(error) }));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    async close() {
      if (pending !== undefined) options.timers.clearTimeout(pending);
      pending = undefined;
      await watcher.close();
    },
  };
}
