/** Builds clients for tests: fake time, deterministic jitter, and every client closed after the test. */
import { afterEach } from 'vitest';
import { WorkspaceClient, type ClientOptions } from '../../../src/workspace/client.js';
import type { LogFields, Logger } from '../../../src/log.js';
import { fakeTime, type TestServer } from './http-server.js';

export const PROJECT_ID = '0123456789abcdef0123456789abcdef';
export const AK = 'AKTESTVALUE0123456789';
export const SK = 'SKtestSecretValue-9f8e7d6c5b4a';

const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

/** Closed after the current test, like every client made here. */
export function track<T extends { close(): Promise<void> }>(thing: T): T {
  open.push(thing);
  return thing;
}

export interface LogLine {
  level: string;
  message: string;
  fields: LogFields;
}

export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: string, bindings: LogFields) =>
    (message: string, fields: LogFields = {}): void => {
      lines.push({ level, message, fields: { ...bindings, ...fields } });
    };
  const make = (bindings: LogFields): Logger & { lines: LogLine[] } => ({
    lines,
    debug: at('debug', bindings),
    info: at('info', bindings),
    warn: at('warn', bindings),
    error: at('error', bindings),
    child: (more) => make({ ...bindings, ...more }),
  });
  return make({});
}

/** A client against a test server with AK/SK, fake time and jitter fixed at its maximum (random = 1). */
export function testClient(target: TestServer | string, overrides: Partial<ClientOptions> = {}) {
  const time = fakeTime();
  const url = typeof target === 'string' ? target : target.url;
  const client = track(
    new WorkspaceClient({
      endpoint: url,
      bssEndpoint: url,
      projectId: PROJECT_ID,
      auth: { kind: 'aksk', accessKey: AK, secretKey: SK },
      now: time.now,
      sleep: time.sleep,
      random: () => 1,
      timeoutMs: 5_000,
      ...overrides,
    }),
  );
  return { client, time };
}
