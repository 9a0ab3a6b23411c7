/**
 * The config of each daemon run, read from the folder the source synced. With a git source the
 * checkout is reset on every run, so the recorded state (and the runtime files beside it) must live
 * outside it: a config whose state path falls inside the checkout is refused, never silently used.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config, type ConfigOverrides } from '../config/index.js';
import { UsageError } from '../errors.js';
import { parseStateLocation } from '../state/index.js';
import type { Source, SourceSnapshot } from './source.js';

/** `--state` is relative to the daemon's working folder, not to the checkout the config is read from. */
export function resolveStateFlag(value: string, cwd: string): string {
  const location = parseStateLocation(value, cwd);
  return location.kind === 'file' ? `file:${location.path}` : location.url;
}

/** The path with symlinks resolved as far as it exists, so /tmp and /private/tmp compare equal. */
function real(p: string): string {
  const missing: string[] = [];
  let at = path.resolve(p);
  for (;;) {
    try {
      return path.join(realpathSync(at), ...missing.reverse());
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return path.resolve(p);
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(real(parent), real(child));
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

export function checkStateOutsideCheckout(config: Config, checkout: string): void {
  const location = parseStateLocation(config.state, config.root);
  if (location.kind !== 'file' || !isInside(checkout, location.path)) return;
  throw new UsageError(
    `the state file ${location.path} is inside the git checkout ${checkout}, which the daemon hard-resets on every run: the state would be wiped`,
    'keep the state outside the checkout: pass --state (e.g. --state file:/var/lib/workspace-gitops/state.json) or set state: in workspace-gitops.yaml to an absolute path elsewhere',
  );
}

export interface DaemonConfigOptions {
  overrides: ConfigOverrides;
  env: Record<string, string | undefined>;
  /** The daemon's working folder: runtime files go here when the state is not a file. */
  cwd: string;
}

export async function loadDaemonConfig(source: Source, snapshot: SourceSnapshot, options: DaemonConfigOptions): Promise<Config> {
  const config = await loadConfig(snapshot.root, options.overrides, options.env);
  if (source.checkout === undefined) return config;
  checkStateOutsideCheckout(config, source.checkout);
  // Runtime files (the --simulate data among them) follow the state out of the checkout.
  const location = parseStateLocation(config.state, config.root);
  const runtimeDir = location.kind === 'file' ? path.dirname(location.path) : path.join(options.cwd, '.workspace-gitops');
  return { ...config, runtimeDir };
}
