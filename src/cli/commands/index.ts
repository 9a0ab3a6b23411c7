/** Every command of the CLI, each in its own file: parse flags, call the core, render, set the exit code. */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';

export function registerCommands(_program: Command, _ctx: CommandContext): void {
  // Commands register here as they are built.
}
