/** Global flags shared by every command, and loading the config they point at. */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import type { Io } from './io.js';

export interface GlobalOptions {
  config?: string;
  dir?: string;
  policies?: string;
  state?: string;
  endpoint?: string;
  simulate?: boolean;
  logFormat: 'text' | 'json';
  debug?: boolean;
}

export function globalsOf(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export async function configOf(cmd: Command, io: Io): Promise<Config> {
  const g = globalsOf(cmd);
  return loadConfig(io.cwd, {
    ...(g.config === undefined ? {} : { config: g.config }),
    ...(g.dir === undefined ? {} : { dir: g.dir }),
    ...(g.policies === undefined ? {} : { policies: g.policies }),
    ...(g.state === undefined ? {} : { state: g.state }),
    ...(g.endpoint === undefined ? {} : { endpoint: g.endpoint }),
  }, io.env);
}

