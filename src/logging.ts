/**
 * The Logger implementation: pino underneath (structured, fast), writing JSON lines or a compact text
 * form to one sink. Every line passes through redactSecrets before it leaves the process.
 */
import { pino, type LevelWithSilent } from 'pino';
import type { LogFields, Logger } from './log.js';
import { redactSecrets } from './redact.js';

export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  format: LogFormat;
  level: LevelWithSilent;
  /** Where lines go (stderr for the CLI). */
  write: (line: string) => void;
  env?: Record<string, string | undefined>;
  /** Extra secret values to scrub (e.g. a webhook secret read from a file). */
  secrets?: readonly string[];
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function textLine(record: Record<string, unknown>): string {
  const { level, time: _time, msg, ...fields } = record;
  const name = LEVEL_NAMES[level as number] ?? String(level);
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
    .join(' ');
  return `${name === 'info' ? '' : `${name}: `}${String(msg)}${rest ? ` ${rest}` : ''}\n`;
}

function wrap(logger: pino.Logger): Logger {
  const call = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    if (fields) logger[level](fields, message);
    else logger[level](message);
  };
  return {
    debug: call('debug'),
    info: call('info'),
    warn: call('warn'),
    error: call('error'),
    child: (bindings) => wrap(logger.child(bindings)),
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const env = options.env ?? process.env;
  const secrets = options.secrets ?? [];
  const destination = {
    write(line: string) {
      const safe = redactSecrets(line, env, secrets);
      if (options.format === 'json') options.write(safe.endsWith('\n') ? safe : `${safe}\n`);
      else options.write(textLine(JSON.parse(safe) as Record<string, unknown>));
    },
  };
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: options.format === 'json' ? pino.stdTimeFunctions.isoTime : false,
      formatters: { level: (label, number) => (options.format === 'json' ? { level: label } : { level: number }) },
    },
    destination,
  );
  return wrap(logger);
}
