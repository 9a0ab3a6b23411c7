import { describe, expect, it } from 'vitest';
import type { Auth } from '../../src/workspace/credentials.js';
import type { OrderBody } from '../../src/workspace/order-schema.js';
import { AK, recordingLogger, SK, testClient, track } from './helpers/client.js';
import { json, startServer, type Received } from './helpers/http-server.js';

const SECURITY_TOKEN = 'sts-security-token-VALUE-0042';
const TOKEN = 'iam-user-token-VALUE-0042';
const ORDER: OrderBody = { type: 'addVolumes', resources: [{ add_volumes: { desktop_id: 'd-1', volumes: [{ type: 'SAS', size: 10 }] } }] };

/** A hostile server: every answer repeats the request's credentials back. */
function echo(req: Received): string {
  return JSON.stringify(req.headers);
}

async function echoingServer() {
  let calls = 0;
  return track(
    await startServer((req, res, raw) => {
      switch (++calls % 4) {
        case 1:
          return json(res, 400, { error_code: 'WKS.0001', error_msg: `bad request ${echo(req)}`, error_detail: echo(req) });
        case 2:
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream said ${echo(req)}`);
          return;
        case 3:
          return json(res, 500, { error: { code: 'X', message: echo(req) } });
        default:
          raw.socket.destroy();
      }
    }),
  );
}

function everything(error: unknown): string {
  const e = error as Error & { hint?: string; cause?: unknown };
  return [e.message, e.hint ?? '', e.stack ?? '', JSON.stringify(e), String(e.cause), JSON.stringify(e.cause ?? null)].join('\n');
}

const cases: { name: string; auth: Auth; secrets: string[] }[] = [
  { name: 'AK/SK with security token', auth: { kind: 'aksk', accessKey: AK, secretKey: SK, securityToken: SECURITY_TOKEN }, secrets: [AK, SK, SECURITY_TOKEN] },
  { name: 'token', auth: { kind: 'token', token: TOKEN }, secrets: [TOKEN] },
];

describe.each(cases)('no secret in any error or log ($name)', ({ auth, secrets }) => {
  it('across error bodies, non-JSON bodies, outcome-unknown and network errors', async () => {
    const server = await echoingServer();
    const logger = recordingLogger();
    const { client } = testClient(server, { auth, logger, retry: { maxAttempts: 1 } });
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i++) errors.push(await client.placeOrder(ORDER).catch((e: unknown) => e));
    for (let i = 0; i < 4; i++) errors.push(await client.listDesktops().catch((e: unknown) => e));
    for (let i = 0; i < 4; i++) errors.push(await client.payOrder('CS1').catch((e: unknown) => e));
    // The server really did see (and echo) the secrets; the client must not repeat them.
    expect(server.requests.some((r) => echo(r).includes(secrets[0]!))).toBe(true);
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    const text = [...errors.map(everything), JSON.stringify(logger.lines)].join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Signature=[0-9a-f]{16}/);
  });
});
