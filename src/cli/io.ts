/** The CLI's only doors to the outside: output streams, environment, working directory, clock and signals. */

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is an interactive terminal (colour, confirmation prompts). */
  isTTY: boolean;
  /** Ask a yes/no question on the terminal; undefined when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
  env: Record<string, string | undefined>;
  cwd: string;
  now(): Date;
  /** Aborted on SIGINT/SIGTERM: no new order starts after it fires. */
  signal: AbortSignal;
}

export function processIo(signal: AbortSignal): Io {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    confirm: process.stdin.isTTY && process.stdout.isTTY ? askOnTerminal : undefined,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    signal,
  };
}

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}
