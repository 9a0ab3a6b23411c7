import { describe, expect, it } from 'vitest';
import { WsgoError } from '../../src/errors.js';
import { ApiError, NetworkError, OutcomeUnknownError } from '../../src/workspace/errors.js';
import type { OrderBody } from '../../src/workspace/order-schema.js';
import { testClient, track } from './helpers/client.js';
import { closedPort, json, startServer, type TestServer } from './helpers/http-server.js';

const ORDER: OrderBody = {
  type: 'expandDesktopPool',
  resources: [{ period_type: 2, period_num: 1, expand_desktop_pool: { pool_id: 'pool-1', size: 5 } }],
};

const THROTTLED = { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit' };

async function orderServer(answer: Parameters<typeof startServer>[0]): Promise<TestServer> {
  return track(await startServer(answer));
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('placeOrder: success', () => {
  it('returns order_id and job_id', async () => {
    const server = await orderServer((_req, res) => json(res, 200, { order_id: 'CS2108102036B2CAI', job_id: 'job-1' }));
    const { client } = testClient(server);
    await expect(client.placeOrder(ORDER)).resolves.toEqual({ order_id: 'CS2108102036B2CAI', job_id: 'job-1' });
    expect(server.requests).toHaveLength(1);
  });

  it('sends each order on a fresh connection, never on a pooled idle one', async () => {
    const server = await orderServer((req, res) =>
      req.method === 'GET' ? json(res, 200, { desktops: [], total_count: 0 }) : json(res, 200, { order_id: `CS${req.socketId}` }),
    );
    const { client } = testClient(server);
    await client.listDesktops();
    await new Promise((resolve) => setImmediate(resolve));
    await client.placeOrder(ORDER);
    await client.placeOrder(ORDER);
    const [read, first, second] = server.requests;
    expect(new Set([read!.socketId, first!.socketId, second!.socketId]).size).toBe(3);
    expect(first!.headers['connection']).toBe('close');
  });
});

describe('placeOrder: never resent once it may have reached the server', () => {
  it.each([302, 500, 502, 503, 504])('HTTP %i → OutcomeUnknownError after one request', async (status) => {
    const server = await orderServer((_req, res) => json(res, status, { error_code: 'WKS.0500', error_msg: 'internal error' }));
    const { client, time } = testClient(server);
    const error = await failure(client.placeOrder(ORDER));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).toMatchObject({ code: 'ORDER_OUTCOME_UNKNOWN', operation: 'place order' });
    expect((error as Error).message).toContain(`HTTP ${status} WKS.0500: internal error`);
    expect((error as Error).cause).toBeInstanceOf(ApiError);
    expect(server.requests).toHaveLength(1);
    expect(time.delays).toEqual([]);
  });

  it('socket destroyed after the server read the request → OutcomeUnknownError after one request', async () => {
    const server = await orderServer((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const { client, time } = testClient(server);
    const error = await failure(client.placeOrder(ORDER));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.toString()).toBe(JSON.stringify(ORDER));
    expect(time.delays).toEqual([]);
  });

  it('no answer before the timeout → OutcomeUnknownError after one request', async () => {
    const server = await orderServer(() => undefined);
    const { client, time } = testClient(server, { timeoutMs: 300 });
    const error = await failure(client.placeOrder(ORDER));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toContain('timed out after 300 ms');
    expect(server.requests).toHaveLength(1);
    expect(time.delays).toEqual([]);
  });

  it('a 2xx that is not JSON, or has no order_id → OutcomeUnknownError', async () => {
    let calls = 0;
    const server = await orderServer((_req, res) => {
      if (++calls === 1) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>');
        return;
      }
      json(res, 200, { job_id: 'job-1' });
    });
    const { client } = testClient(server);
    await expect(client.placeOrder(ORDER)).rejects.toThrow(/outcome unknown.*not a JSON object/);
    await expect(client.placeOrder(ORDER)).rejects.toThrow(/outcome unknown.*without an order_id/);
    expect(server.requests).toHaveLength(2);
  });

  it('a 429 that is not the gateway\'s throttling answer → OutcomeUnknownError', async () => {
    const server = await orderServer((_req, res) => json(res, 429, { error_code: 'WKS.0429', error_msg: 'busy' }));
    const { client } = testClient(server);
    await expect(client.placeOrder(ORDER)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(server.requests).toHaveLength(1);
  });

  it('a caller abort while the request is in flight → OutcomeUnknownError', async () => {
    const controller = new AbortController();
    const server = await orderServer(() => {
      controller.abort();
    });
    const { client } = testClient(server);
    await expect(client.placeOrder(ORDER, { signal: controller.signal })).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('placeOrder: definite answers', () => {
  it('HTTP 400 → ApiError, not retried', async () => {
    const server = await orderServer((_req, res) =>
      json(res, 400, { error_code: 'WKS.0001', error_msg: 'resources[0].expand_desktop_pool.size: must be <= 1000', encoded_authorization_message: 'abc' }),
    );
    const { client, time } = testClient(server);
    const error = (await failure(client.placeOrder(ORDER))) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('place order: HTTP 400 WKS.0001: resources[0].expand_desktop_pool.size: must be <= 1000');
    expect(error.encodedAuthorizationMessage).toBe('abc');
    expect(server.requests).toHaveLength(1);
    expect(time.delays).toEqual([]);
  });

  it('retries the gateway\'s 429 APIGW.0308: the gateway refused it, nothing was placed', async () => {
    let calls = 0;
    const server = await orderServer((_req, res) => (++calls <= 2 ? json(res, 429, THROTTLED) : json(res, 200, { order_id: 'CS1' })));
    const { client, time } = testClient(server);
    await expect(client.placeOrder(ORDER)).resolves.toEqual({ order_id: 'CS1' });
    expect(server.requests).toHaveLength(3);
    expect(time.delays).toEqual([2000, 2000]);
  });

  it('honours a longer Retry-After on the gateway\'s 429', async () => {
    let calls = 0;
    const server = await orderServer((_req, res) => (++calls === 1 ? json(res, 429, THROTTLED, { 'retry-after': '7' }) : json(res, 200, { order_id: 'CS1' })));
    const { client, time } = testClient(server);
    await client.placeOrder(ORDER);
    expect(time.delays).toEqual([7000]);
  });

  it('gives up on persistent gateway throttling with the ApiError: still certainly not placed', async () => {
    const server = await orderServer((_req, res) => json(res, 429, THROTTLED));
    const { client } = testClient(server, { retry: { maxAttempts: 3 } });
    const error = await failure(client.placeOrder(ORDER));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, errorCode: 'APIGW.0308' });
    expect(server.requests).toHaveLength(3);
  });

  it('retries connection refused (nothing was written), then places the order once', async () => {
    const port = await closedPort();
    let server: TestServer | undefined;
    const { client, time } = testClient(`http://127.0.0.1:${port}`, {
      sleep: async (ms) => {
        time.delays.push(ms);
        server ??= track(await startServer((_req, res) => json(res, 200, { order_id: 'CS-after-refused' }), port));
      },
    });
    await expect(client.placeOrder(ORDER)).resolves.toEqual({ order_id: 'CS-after-refused' });
    expect(time.delays).toEqual([500]);
    expect(server!.requests).toHaveLength(1);
  });

  it('connection refused on every attempt → NetworkError saying nothing reached the server', async () => {
    const port = await closedPort();
    const { client, time } = testClient(`http://127.0.0.1:${port}`, { retry: { maxAttempts: 4 } });
    const error = (await failure(client.placeOrder(ORDER))) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ sent: false, attempts: 4 });
    expect(error.message).toMatch(/^place order: could not reach the server after 4 attempts/);
    expect(time.delays).toHaveLength(3);
  });

  it('an AbortSignal that fired before sending → ABORTED, no request', async () => {
    const server = await orderServer((_req, res) => json(res, 200, { order_id: 'CS1' }));
    const { client } = testClient(server);
    const error = await failure(client.placeOrder(ORDER, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(WsgoError);
    expect(error).toMatchObject({ code: 'ABORTED' });
    expect(server.requests).toHaveLength(0);
  });

  it('an abort during the backoff after a refused connection → ABORTED', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    const { client } = testClient(`http://127.0.0.1:${port}`, {
      sleep: (_ms, signal) => {
        controller.abort();
        return signal?.aborted ? Promise.reject(new Error('aborted')) : Promise.resolve();
      },
    });
    await expect(client.placeOrder(ORDER, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('payOrder', () => {
  it('a 5xx is an ApiError, not retried: BSS refuses to pay an order twice, so the caller can check and pay again', async () => {
    const server = await orderServer((_req, res) => json(res, 500, { error_code: 'CBC.0999', error_msg: 'system error' }));
    const { client, time } = testClient(server);
    const error = await failure(client.payOrder('CS1'));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('pay order: HTTP 500 CBC.0999: system error');
    expect(server.requests).toHaveLength(1);
    expect(time.delays).toEqual([]);
  });

  it('a connection lost after sending is a NetworkError marked as sent, not retried', async () => {
    const server = await orderServer((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const { client } = testClient(server);
    const error = await failure(client.payOrder('CS1'));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ sent: true, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('retries the gateway\'s throttling answer', async () => {
    let calls = 0;
    const server = await orderServer((_req, res) => (++calls === 1 ? json(res, 429, THROTTLED) : json(res, 204, {})));
    const { client } = testClient(server);
    await expect(client.payOrder('CS1')).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });
});
