/** The CLI's logger: text (or JSON with --log-format json) on stderr; debug lines only with --debug. */
import type { Logger } from '../log.js';
import { createLogger } from '../logging.js';
import type { Io } from './io.js';
import type { GlobalOptions } from './globals.js';

export function cliLogger(globals: GlobalOptions, io: Io): Logger {
  return createLogger({
    format: globals.logFormat === 'json' ? 'json' : 'text',
    level: globals.debug ? 'debug' : 'warn',
    write: (line) => io.stderr(line),
    env: io.env,
  });
}
