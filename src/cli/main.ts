/** Entry point: builds the command tree, runs one command, maps every error to output and an exit code. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, WsgoError, InputError, type ExitCode } from '../errors.js';
import { formatDiagnostic } from '../diagnostics.js';
import { processIo, type Io } from './io.js';
import { registerCommands } from './commands/index.js';
import { redactSecrets } from '../redact.js';

export interface CommandContext {
  io: Io;
  /** Set by the command's action; read by main once the command returns. */
  exitCode: ExitCode;
  debug: boolean;
}

/** The package version, read from package.json (two folders up from both src/cli and dist/cli). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('workspace-gitops')
    .description('Declarative GitOps reconciler and policy engine for Huawei Cloud Workspace')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('-C, --config <file>', 'config file (default: workspace-gitops.yaml in the current folder)')
    .option('--dir <folder>', 'desired-state folder (overrides the config)')
    .option('--policies <folder>', 'policies folder (overrides the config)')
    .option('--state <location>', 'state backend, e.g. file:.workspace-gitops/state.json (overrides the config)')
    .option('--endpoint <url>', 'Workspace API endpoint (overrides the config and WORKSPACE_ENDPOINT)')
    .option('--simulate', 'use the embedded simulator, persisted under .workspace-gitops/')
    .option('--log-format <format>', 'log format on stderr: text or json', 'text')
    .option('--debug', 'show stack traces and debug logs')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
    });
  program.hook('preAction', (cmd) => {
    ctx.debug = Boolean(cmd.optsWithGlobals()['debug']);
  });
  registerCommands(program, ctx);
  return program;
}

function report(ctx: CommandContext, error: unknown): ExitCode {
  const { io } = ctx;
  if (error instanceof CommanderError) {
    // Help and version are not errors; commander already printed what it had to say.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
    return EXIT.error;
  }
  if (error instanceof WsgoError) {
    if (error instanceof InputError) {
      for (const d of error.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    }
    io.stderr(`Error: ${redactSecrets(error.message, io.env)}\n`);
    if (error.hint) io.stderr(`Hint: ${redactSecrets(error.hint, io.env)}\n`);
    if (ctx.debug && error.stack) io.stderr(`${redactSecrets(error.stack, io.env)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`Error: ${redactSecrets(message, io.env)}\n`);
  if (ctx.debug && error instanceof Error && error.stack) io.stderr(`${redactSecrets(error.stack, io.env)}\n`);
  else io.stderr('Hint: run again with --debug for details\n');
  return EXIT.error;
}

/** Runs one command line. Never throws and never exits the process: it returns the exit code. */
export async function main(argv: string[], io?: Io): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  const ownSignals = io === undefined;
  if (ownSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const ctx: CommandContext = { io: io ?? processIo(controller.signal), exitCode: EXIT.ok, debug: argv.includes('--debug') };
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return report(ctx, error);
  } finally {
    if (ownSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
