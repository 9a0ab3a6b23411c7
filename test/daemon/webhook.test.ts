/**
 * POST /hooks/git, in-process against the handler with a fake runner, and once over a real socket to
 * prove the signature is checked over the raw bytes on the wire.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../src/log.js';
import { createLogger } from '../../src/logging.js';
import { createHandler, signBody, startHttpServer, type Handler, type HttpRequest, type TriggerDecision } from '../../src/daemon/index.js';

const SECRET = 'a-webhook-secret-of-some-length';

function push(ref = 'refs/heads/main'): Buffer {
  // Key order and spacing as GitHub sends them: a re-serialized body would not match the signature.
  return Buffer.from(`{"ref":"${ref}", "before":"0000000000000000000000000000000000000000","after":"4f5e1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2","repository":{"full_name":"acme/desktops"}}`);
}

function request(body: Buffer, headers: Record<string, string> = {}): HttpRequest {
  return { method: 'POST', path: '/hooks/git', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd-1', ...headers }, body };
}

function setup(options: { secret?: string; branch?: string; logger?: Logger } = { secret: SECRET, branch: 'main' }) {
  const triggers: string[] = [];
  let decision: TriggerDecision = 'started';
  const handler: Handler = createHandler({
    metrics: () => '',
    readiness: () => Promise.resolve({ ready: true, reasons: [], last_run: null, lock: null }),
    ...(options.secret ? { webhook: { secret: options.secret, branch: options.branch, trigger: () => (triggers.push('webhook'), decision), logger: options.logger ?? silentLogger } } : {}),
  });
  return { handler, triggers, setDecision: (d: TriggerDecision) => (decision = d) };
}

describe('POST /hooks/git', () => {
  it('triggers a run for a validly signed push to the followed branch', async () => {
    const { handler, triggers } = setup();
    const body = push();
    const res = await handler(request(body, { 'x-hub-signature-256': signBody(SECRET, body) }));
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body!)).toMatchObject({ triggered: true, run: 'started', after: '4f5e1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2' });
    expect(triggers).toEqual(['webhook']);
  });

  it('says when the push joined a queued run instead of starting one', async () => {
    const { handler, setDecision } = setup();
    setDecision('queued');
    const body = push();
    const res = await handler(request(body, { 'x-hub-signature-256': signBody(SECRET, body) }));
    expect(JSON.parse(res.body!)).toMatchObject({ triggered: true, run: 'queued' });
  });

  it.each([
    ['a tampered body', (b: Buffer) => ({ body: Buffer.from(b.toString().replace('main', 'mainx')), sig: signBody(SECRET, b) })],
    ['one flipped byte at the end', (b: Buffer) => ({ body: Buffer.concat([b, Buffer.from(' ')]), sig: signBody(SECRET, b) })],
    ['the wrong secret', (b: Buffer) => ({ body: b, sig: signBody('another-secret-entirely', b) })],
    ['a missing header', (b: Buffer) => ({ body: b, sig: undefined })],
    ['an empty header', (b: Buffer) => ({ body: b, sig: '' })],
    ['a SHA-1 signature', (b: Buffer) => ({ body: b, sig: `sha1=${'0'.repeat(40)}` })],
    ['a truncated signature', (b: Buffer) => ({ body: b, sig: signBody(SECRET, b).slice(0, -2) })],
  ])('answers 401 and triggers nothing for %s', async (_, make) => {
    const { handler, triggers } = setup();
    const { body, sig } = make(push());
    const res = await handler(request(body, sig === undefined ? {} : { 'x-hub-signature-256': sig }));
    expect(res.status).toBe(401);
    expect(triggers).toEqual([]);
  });

  it('acknowledges and ignores pushes to other branches and branch deletions', async () => {
    const { handler, triggers } = setup();
    const other = push('refs/heads/feature/x');
    const res = await handler(request(other, { 'x-hub-signature-256': signBody(SECRET, other) }));
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body!)).toEqual({ triggered: false, note: 'push to refs/heads/feature/x ignored: the daemon follows refs/heads/main' });
    const deleted = Buffer.from('{"ref":"refs/heads/main","deleted":true}');
    expect(JSON.parse((await handler(request(deleted, { 'x-hub-signature-256': signBody(SECRET, deleted) }))).body!)).toMatchObject({ triggered: false });
    expect(triggers).toEqual([]);
  });

  it('answers ping, ignores other events, and refuses a signed body that is not JSON', async () => {
    const { handler, triggers } = setup();
    const ping = Buffer.from('{"zen":"Keep it logically awesome."}');
    expect((await handler(request(ping, { 'x-github-event': 'ping', 'x-hub-signature-256': signBody(SECRET, ping) }))).status).toBe(200);
    const pr = Buffer.from('{"action":"opened"}');
    const ignored = await handler(request(pr, { 'x-github-event': 'pull_request', 'x-hub-signature-256': signBody(SECRET, pr) }));
    expect(ignored.status).toBe(202);
    expect(JSON.parse(ignored.body!)).toMatchObject({ triggered: false });
    const junk = Buffer.from('not json');
    expect((await handler(request(junk, { 'x-hub-signature-256': signBody(SECRET, junk) }))).status).toBe(400);
    expect(triggers).toEqual([]);
  });

  it('accepts the form-encoded payload GitHub can send, signed over the form body', async () => {
    const { handler, triggers } = setup();
    const body = Buffer.from(`payload=${encodeURIComponent(push().toString())}`);
    const res = await handler(request(body, { 'content-type': 'application/x-www-form-urlencoded', 'x-hub-signature-256': signBody(SECRET, body) }));
    expect(res.status).toBe(202);
    expect(triggers).toEqual(['webhook']);
  });

  it('follows every push when the source is a local folder (no branch)', async () => {
    const { handler, triggers } = setup({ secret: SECRET });
    const body = push('refs/heads/anything');
    expect((await handler(request(body, { 'x-hub-signature-256': signBody(SECRET, body) }))).status).toBe(202);
    expect(triggers).toEqual(['webhook']);
  });

  it('does not exist without a secret: 404 for any method', async () => {
    const { handler } = setup({});
    const body = push();
    expect((await handler(request(body, { 'x-hub-signature-256': signBody(SECRET, body) }))).status).toBe(404);
    expect((await handler({ ...request(body), method: 'GET' })).status).toBe(404);
  });

  it('answers 405 to a GET when it exists', async () => {
    const { handler } = setup();
    const res = await handler({ ...request(Buffer.alloc(0)), method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers?.['allow']).toBe('POST');
  });

  it('never logs the secret, even when a rejected delivery carries it', async () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', level: 'debug', write: (l) => lines.push(l), env: {}, secrets: [SECRET] });
    const { handler } = setup({ secret: SECRET, branch: 'main', logger });
    const body = push();
    await handler(request(body, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'x-github-delivery': SECRET }));
    await handler(request(body, { 'x-hub-signature-256': signBody(SECRET, body) }));
    expect(lines.join('')).toContain('webhook signature rejected');
    expect(lines.join('')).not.toContain(SECRET);
  });
});

describe('the webhook over a real socket', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  it('verifies the signature over the bytes exactly as sent', async () => {
    const { handler, triggers } = setup();
    const server = await startHttpServer(handler, { host: '127.0.0.1', port: 0 }, silentLogger);
    servers.push(server);
    // Unusual spacing and a non-ASCII character: any decode/re-encode on the way would break the HMAC.
    const body = Buffer.from('{ "ref" : "refs/heads/main",\n  "head_commit": {"message": "add desktops for Zoë"} }');
    const ok = await fetch(`${server.url}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signBody(SECRET, body) }, body });
    expect(ok.status).toBe(202);
    const bad = await fetch(`${server.url}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signBody(SECRET, body) }, body: `${body.toString()} ` });
    expect(bad.status).toBe(401);
    expect(triggers).toEqual(['webhook']);
  });
});
