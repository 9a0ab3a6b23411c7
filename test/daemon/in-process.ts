/** A daemon started in the test process on a local folder, with the real runner, HTTP server and state store. */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/logging.js';
import { loadConfig } from '../../src/config/index.js';
import { openStateStore, parseStateLocation } from '../../src/state/index.js';
import { createWorkspaceClient } from '../../src/workspace/index.js';
import { LocalSource, realTimers, startDaemon, type DaemonOptions, type RunningDaemon } from '../../src/daemon/index.js';
import { silentLogger } from '../../src/log.js';
import { PROJECT } from './support.js';

export interface LogRecord {
  msg: string;
  [field: string]: unknown;
}

export interface TestDaemon extends RunningDaemon {
  logs: LogRecord[];
}

export async function startTestDaemon(folder: string, options: { endpoint?: string; overrides?: Partial<DaemonOptions> } = {}): Promise<TestDaemon> {
  const logs: LogRecord[] = [];
  const logger = createLogger({ format: 'json', level: 'debug', write: (line) => logs.push(JSON.parse(line) as LogRecord), env: {} });
  const source = new LocalSource(folder);
  const daemon = await startDaemon({
    source,
    loadConfig: (snapshot) => loadConfig(snapshot.root, {}, {}),
    mode: 'reconcile',
    openState: (config) =>
      openStateStore(parseStateLocation(config.state, config.root), { now: () => new Date(), hostname: os.hostname(), user: 'test', pid: process.pid, randomId: () => randomUUID(), logger: silentLogger }),
    openCloud: (config) => {
      if (!options.endpoint) throw new Error('this test daemon has no cloud');
      const client = createWorkspaceClient({ endpoint: options.endpoint, bssEndpoint: options.endpoint, projectId: config.projectId ?? PROJECT, logger: silentLogger });
      return Promise.resolve({ api: client, close: () => client.close() });
    },
    listen: { host: '127.0.0.1', port: 0 },
    backoff: { initialMs: 60_000, maxMs: 60_000 },
    parallelism: 4,
    maxRounds: 3,
    lockTimeoutMs: 0,
    stuckLockMs: 30 * 60_000,
    logger,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    timers: realTimers,
    signal: new AbortController().signal,
    version: 'test',
    self: { pid: process.pid, hostname: os.hostname() },
    ...options.overrides,
  });
  return Object.assign(daemon, { logs });
}
