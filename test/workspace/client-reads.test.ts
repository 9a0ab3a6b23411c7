import { describe, expect, it } from 'vitest';
import { ApiError, InvalidResponseError, NetworkError } from '../../src/workspace/errors.js';
import { PROJECT_ID, recordingLogger, testClient, track } from './helpers/client.js';
import { closedPort, json, startServer } from './helpers/http-server.js';

function desktops(count: number) {
  return Array.from({ length: count }, (_, i) => ({ desktop_id: `d-${String(i).padStart(5, '0')}`, computer_name: `pc-${i}`, status: 'ACTIVE' }));
}

/** A list API over `all` that honours offset/limit, capping limit at `cap`. */
function paged(all: { desktop_id: string }[], cap = Infinity) {
  return (rawQuery: string) => {
    const q = new URLSearchParams(rawQuery);
    const offset = Number(q.get('offset'));
    const limit = Math.min(Number(q.get('limit')), cap);
    return { desktops: all.slice(offset, offset + limit), total_count: all.length };
  };
}

describe('paging', () => {
  it('reads 1,200 desktops in pages of 500', async () => {
    const all = desktops(1200);
    const page = paged(all);
    const server = track(await startServer((req, res) => json(res, 200, page(req.rawQuery))));
    const { client } = testClient(server);
    const result = await client.listDesktops();
    expect(result.map((d) => d.desktop_id)).toEqual(all.map((d) => d.desktop_id));
    expect(server.requests.map((r) => new URLSearchParams(r.rawQuery).get('offset'))).toEqual(['0', '500', '1000']);
    expect(server.requests.every((r) => new URLSearchParams(r.rawQuery).get('limit') === '500')).toBe(true);
  });

  it('keeps reading when the server caps the page size below the request but reports a total', async () => {
    const all = desktops(250);
    const page = paged(all, 100);
    const server = track(await startServer((req, res) => json(res, 200, page(req.rawQuery))));
    const { client } = testClient(server);
    expect(await client.listDesktops()).toHaveLength(250);
    expect(server.requests).toHaveLength(3);
  });

  it('drops an item repeated because the list shifted between two pages', async () => {
    const all = desktops(6);
    const server = track(
      await startServer((req, res) => {
        const offset = Number(new URLSearchParams(req.rawQuery).get('offset'));
        // A desktop created between the calls pushes d-00002 into the second page as well.
        json(res, 200, { desktops: offset === 0 ? all.slice(0, 3) : all.slice(2, 6), total_count: 6 });
      }),
    );
    const { client } = testClient(server, { pageSize: { desktops: 3 } });
    expect((await client.listDesktops()).map((d) => d.desktop_id)).toEqual(all.map((d) => d.desktop_id));
  });

  it('fails instead of looping when the server ignores offset', async () => {
    const server = track(await startServer((_req, res) => json(res, 200, { desktops: desktops(2) })));
    const { client } = testClient(server, { pageSize: { desktops: 2 } });
    await expect(client.listDesktops()).rejects.toThrow(InvalidResponseError);
    expect(server.requests).toHaveLength(2);
  });

  it('treats a missing list as an invalid response, never as an empty one', async () => {
    const server = track(await startServer((_req, res) => json(res, 200, { total_count: 0 })));
    const { client } = testClient(server);
    await expect(client.listDesktops()).rejects.toThrow(/`desktops` is missing or not an array/);
  });

  it('reads each list API at its path and envelope', async () => {
    const server = track(
      await startServer((req, res) => {
        const p = req.pathname.replace(`/v2/${PROJECT_ID}`, '');
        if (p === '/desktop-pools') return json(res, 200, { desktop_pools: [{ id: 'pool-1', name: 'p', type: 'DYNAMIC', desktop_count: 2, status: 'STEADY' }], total_count: 1 });
        if (p === '/eips') return json(res, 200, { eips: [{ id: 'eip-1', address: '1.2.3.4', bandwidth_size: 5, eip_charge_mode: 'BANDWIDTH' }], total_count: 1 });
        if (p === '/bandwidths') return json(res, 200, { bandwidths: [{ bandwidth_id: 'bw-1', bandwidth_name: 'b', charge_mode: 'wks_bandwidth', size: 10, subnet_id: 's', status: 'ACTIVE' }], total_count: 1 });
        if (p === '/hosts') return json(res, 200, { dedicated_hosts: [{ dedicated_host_id: 'h-1', name: 'h', product_id: 'x', state: 'available' }], total: 1 });
        if (p === '/desktop-pools/pool-1') return json(res, 200, { id: 'pool-1', name: 'p', type: 'DYNAMIC', desktop_count: 2, status: 'STEADY' });
        if (p === '/workspace-jobs/job-1') return json(res, 200, { id: 'job-1', job_type: 'createDesktops', status: 'SUCCESS' });
        if (p === '/v2/orders/customer-orders/details/CS1') return json(res, 200, { order_info: { order_id: 'CS1', status: 5, create_time: '2024-01-01T00:00:00Z' }, total_count: 0 });
        if (p === '/v2/orders/customer-orders') return json(res, 200, { order_infos: [{ order_id: 'CS1', status: 5, create_time: '2024-01-01T00:00:00Z' }], total_count: 1 });
        return json(res, 404, { error_code: 'APIGW.0101', error_msg: 'not found' });
      }),
    );
    const { client } = testClient(server);
    expect((await client.listDesktopPools({ name: 'p' }))[0]?.id).toBe('pool-1');
    expect((await client.listEips({ desktop_id: 'd-1' }))[0]?.address).toBe('1.2.3.4');
    expect((await client.listSubnetBandwidths({ subnet_id: 's' }))[0]?.bandwidth_id).toBe('bw-1');
    expect((await client.listExclusiveHosts())[0]?.dedicated_host_id).toBe('h-1');
    expect((await client.getDesktopPool('pool-1')).desktop_count).toBe(2);
    expect((await client.getJob('job-1')).status).toBe('SUCCESS');
    expect((await client.getCustomerOrder('CS1')).status).toBe(5);
    const orders = await client.listCustomerOrders({ create_time_begin: '2024-01-01T08:00:00.123+08:00', status: 5 });
    expect(orders.map((o) => o.order_id)).toEqual(['CS1']);
    const queries = Object.fromEntries(server.requests.map((r) => [r.pathname, r.rawQuery]));
    expect(queries[`/v2/${PROJECT_ID}/desktop-pools`]).toBe('limit=1000&name=p&offset=0');
    expect(queries[`/v2/${PROJECT_ID}/eips`]).toBe('desktop_id=d-1&limit=1000&offset=0');
    expect(queries['/v2/orders/customer-orders']).toBe('create_time_begin=2024-01-01T00%3A00%3A00Z&limit=100&offset=0&status=5');
  });

  it('rejects a date filter it cannot turn into BSS time', async () => {
    const { client } = testClient('http://127.0.0.1:9');
    await expect(client.listCustomerOrders({ create_time_begin: 'yesterday' })).rejects.toThrow(/create_time_begin is not a date/);
  });
});

describe('read retries', () => {
  it('retries throttling (429 APIGW.0308) after at least 2 s', async () => {
    let calls = 0;
    const server = track(
      await startServer((_req, res) =>
        ++calls === 1 ? json(res, 429, { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' }) : json(res, 200, { desktops: [], total_count: 0 }),
      ),
    );
    const logger = recordingLogger();
    const { client, time } = testClient(server, { logger });
    await client.listDesktops();
    expect(server.requests).toHaveLength(2);
    expect(time.delays).toEqual([2000]);
    expect(logger.lines.filter((l) => l.message === 'retrying request')).toEqual([
      { level: 'warn', message: 'retrying request', fields: { component: 'workspace-client', operation: 'list desktops', attempt: 1, delayMs: 2000, status: 429, errorCode: 'APIGW.0308' } },
    ]);
  });

  it('backs off exponentially on 503, capped per attempt, then gives up with the last error', async () => {
    const server = track(await startServer((_req, res) => json(res, 503, { error_code: 'WKS.0500', error_msg: 'busy' })));
    const { client, time } = testClient(server, { retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 3000 } });
    const error = await client.listDesktops().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(server.requests).toHaveLength(6);
    expect(time.delays).toEqual([500, 1000, 2000, 3000, 3000]);
  });

  it('draws each delay uniformly below the exponential ceiling (full jitter)', async () => {
    const server = track(await startServer((_req, res) => json(res, 502, {})));
    const { client, time } = testClient(server, { random: () => 0.5, retry: { maxAttempts: 4 } });
    await expect(client.listDesktops()).rejects.toThrow(ApiError);
    expect(time.delays).toEqual([250, 500, 1000]);
  });

  it('stops retrying when the next wait would pass the deadline', async () => {
    const server = track(await startServer((_req, res) => json(res, 500, { error_code: 'WKS.0500', error_msg: 'internal' })));
    const logger = recordingLogger();
    const { client, time } = testClient(server, { logger, retry: { maxAttempts: 10, deadlineMs: 2500 } });
    await expect(client.listDesktops()).rejects.toThrow(/HTTP 500 WKS.0500: internal/);
    // 500 + 1000 = 1500 elapsed; another 2000 would end at 3500 > 2500.
    expect(time.delays).toEqual([500, 1000]);
    expect(server.requests).toHaveLength(3);
    expect(logger.lines.some((l) => l.message === 'retry deadline reached')).toBe(true);
  });

  it('retries a connection reset', async () => {
    let calls = 0;
    const server = track(
      await startServer((req, res, raw) => {
        if (++calls === 1) {
          raw.socket.destroy();
          return;
        }
        json(res, 200, { desktops: [], total_count: 0 });
      }),
    );
    const { client, time } = testClient(server);
    await expect(client.listDesktops()).resolves.toEqual([]);
    expect(server.requests).toHaveLength(2);
    expect(time.delays).toHaveLength(1);
  });

  it('retries a read that timed out', async () => {
    let calls = 0;
    const server = track(
      await startServer((_req, res) => {
        if (++calls === 1) return; // never answers
        json(res, 200, { desktops: [], total_count: 0 });
      }),
    );
    const { client } = testClient(server, { timeoutMs: 200 });
    await expect(client.listDesktops()).resolves.toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 400 and maps its body', async () => {
    const server = track(
      await startServer((_req, res) => json(res, 400, { error_code: 'WKS.0001', error_msg: 'The pool does not exist.', error_detail: 'pool_id=p-9' })),
    );
    const { client, time } = testClient(server);
    const error = (await client.getDesktopPool('p-9').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'API_ERROR', status: 400, errorCode: 'WKS.0001', errorMsg: 'The pool does not exist.', errorDetail: 'pool_id=p-9', operation: 'get desktop pool' });
    expect(error.message).toBe('get desktop pool: HTTP 400 WKS.0001: The pool does not exist. (pool_id=p-9)');
    expect(server.requests).toHaveLength(1);
    expect(time.delays).toEqual([]);
  });

  it('gives up on an unreachable endpoint with a NetworkError that says nothing reached it', async () => {
    const port = await closedPort();
    const { client, time } = testClient(`http://127.0.0.1:${port}`, { retry: { maxAttempts: 3 } });
    const error = (await client.listEips().catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', sent: false, attempts: 3 });
    expect(error.message).toMatch(/^list EIPs: could not reach the server after 3 attempts \(.*ECONNREFUSED/);
    expect(time.delays).toHaveLength(2);
  });
});

describe('connections', () => {
  it('reuses the idle keep-alive connection for the next read', async () => {
    const server = track(await startServer((_req, res) => json(res, 200, { desktops: [], total_count: 0 })));
    const { client } = testClient(server);
    await client.listDesktops();
    // undici hands a finished connection back to its pool on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    await client.listDesktops();
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.socketId).toBe(server.requests[1]!.socketId);
    expect(server.requests[0]!.headers['connection']).toBe('keep-alive');
  });

  it('pages back to back over at most two connections', async () => {
    const page = paged(desktops(60));
    const server = track(await startServer((req, res) => json(res, 200, page(req.rawQuery))));
    const { client } = testClient(server, { pageSize: { desktops: 10 } });
    expect(await client.listDesktops()).toHaveLength(60);
    expect(server.requests).toHaveLength(6);
    expect(new Set(server.requests.map((r) => r.socketId)).size).toBeLessThanOrEqual(2);
  });
});
