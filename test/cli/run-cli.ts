/**
 * The CLI in-process, as the CLI tests run it: main() with a fake Io that keeps what is written to stdout
 * and stderr, no terminal, only the environment the test gives, and a clock the test may stop.
 */
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export interface CapturedIo extends Io {
  out: () => string;
  err: () => string;
}

export interface CaptureOptions {
  env?: Record<string, string | undefined>;
  /** The real clock unless given. */
  now?: () => Date;
  signal?: AbortSignal;
  confirm?: (question: string) => Promise<boolean>;
}

export function captureIo(cwd: string, options: CaptureOptions = {}): CapturedIo {
  let stdout = '';
  let stderr = '';
  return {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
    ...(options.confirm ? { confirm: options.confirm } : {}),
    env: options.env ?? {},
    cwd,
    now: options.now ?? (() => new Date()),
    signal: options.signal ?? new AbortController().signal,
    out: () => stdout,
    err: () => stderr,
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `workspace-gitops ARGV` in this process, in `cwd`: its exit code and everything it wrote. */
export async function runCli(argv: string[], cwd: string, options: CaptureOptions = {}): Promise<CliRun> {
  const io = captureIo(cwd, options);
  const code = await main(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** runCli on a clock stopped at `now`, so that times in the output are fixed. */
export function cliAt(now: Date): (argv: string[], cwd: string, env?: Record<string, string | undefined>) => Promise<CliRun> {
  return (argv, cwd, env = {}) => runCli(argv, cwd, { env, now: () => now });
}
