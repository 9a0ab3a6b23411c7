/** Every command of the CLI, each in its own file: parse flags, call the core, render, set the exit code. */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { registerValidateCommand } from './validate.js';
import { registerPlanCommand } from './plan.js';
import { registerSimulatorCommand } from './simulator.js';
import { registerDaemonCommand } from './daemon.js';
import { registerApplyCommands } from './apply.js';
import { registerStateCommands } from './state.js';
import { registerPolicyCommands } from './policy.js';

export function registerCommands(program: Command, ctx: CommandContext): void {
  registerValidateCommand(program, ctx);
  registerPlanCommand(program, ctx);
  registerApplyCommands(program, ctx);
  registerStateCommands(program, ctx);
  registerPolicyCommands(program, ctx);
  registerSimulatorCommand(program, ctx);
  registerDaemonCommand(program, ctx);
}
