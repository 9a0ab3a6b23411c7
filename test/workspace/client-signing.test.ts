import { describe, expect, it } from 'vitest';
import { WorkspaceClient } from '../../src/workspace/client.js';
import type { OrderBody } from '../../src/workspace/order-schema.js';
import { canonicalQuery, parseAuthorization } from '../../src/workspace/signer.js';
import { AK, PROJECT_ID, SK, testClient, track } from './helpers/client.js';
import { headerValue, json, parsedQuery, signatureValid, startServer, type Received } from './helpers/http-server.js';

const ORDER: OrderBody = {
  type: 'addVolumes',
  enterprise_project_id: '0',
  resources: [{ add_volumes: { desktop_id: '8d049b4e-4f1e-4ed5-b3a9-a7f0f15658a7', volumes: [{ type: 'SAS', size: 50 }] } }],
};

/** Answers every known path with a minimal valid body. */
async function answeringServer() {
  return track(
    await startServer((req, res) => {
      if (req.pathname.endsWith('/periodic/subscribe/order')) return json(res, 200, { order_id: 'CS1' });
      if (req.pathname.endsWith('/customer-orders/pay')) return json(res, 204, {});
      if (req.pathname.endsWith('/customer-orders')) return json(res, 200, { total_count: 0, order_infos: [] });
      return json(res, 200, { desktops: [], total_count: 0 });
    }),
  );
}

function signedHeaders(req: Received): string[] {
  return parseAuthorization(headerValue(req.headers, 'authorization'))?.signedHeaders ?? [];
}

describe('AK/SK signing on the wire', () => {
  it('signs a read with content-type, host, X-Project-Id and X-Sdk-Date, verifiable by the server', async () => {
    const server = await answeringServer();
    const { client } = testClient(server);
    await client.listDesktops();
    const [req] = server.requests;
    expect(req!.pathname).toBe(`/v2/${PROJECT_ID}/desktops/detail`);
    expect(headerValue(req!.headers, 'x-project-id')).toBe(PROJECT_ID);
    expect(headerValue(req!.headers, 'x-sdk-date')).toBe('20240101T000000Z');
    expect(headerValue(req!.headers, 'authorization')).toMatch(new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
    expect(signedHeaders(req!)).toEqual(['content-type', 'host', 'x-project-id', 'x-sdk-date']);
    expect(signatureValid(req!, SK)).toBe(true);
    expect(signatureValid(req!, `${SK}x`)).toBe(false);
  });

  it('sends exactly the signed bytes of an order body', async () => {
    const server = await answeringServer();
    const { client } = testClient(server);
    await client.placeOrder(ORDER);
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.pathname).toBe(`/v2/${PROJECT_ID}/periodic/subscribe/order`);
    expect(req!.body.toString()).toBe(JSON.stringify(ORDER));
    expect(signatureValid(req!, SK)).toBe(true);
    // The signature covers the body: one changed byte fails verification.
    expect(signatureValid({ ...req!, body: Buffer.from(JSON.stringify(ORDER).replace('50', '60')) }, SK)).toBe(false);
  });

  it('sends and signs X-Security-Token for temporary credentials', async () => {
    const server = await answeringServer();
    const { client } = testClient(server, { auth: { kind: 'aksk', accessKey: AK, secretKey: SK, securityToken: 'temporary-security-token-value' } });
    await client.listDesktops();
    const [req] = server.requests;
    expect(headerValue(req!.headers, 'x-security-token')).toBe('temporary-security-token-value');
    expect(signedHeaders(req!)).toContain('x-security-token');
    expect(signatureValid(req!, SK)).toBe(true);
  });

  it('puts the query on the wire exactly as it was signed, arrays as sorted repeated keys', async () => {
    const server = await answeringServer();
    const { client } = testClient(server);
    await client.listDesktops({
      computer_name: 'a b+c*(x)',
      user_name: 'ü/ß~',
      desktop_id: ['z-2', 'a-1'],
      status: 'ACTIVE',
    });
    const [req] = server.requests;
    expect(req!.rawQuery).toBe(canonicalQuery(parsedQuery(req!.rawQuery)));
    expect(req!.rawQuery).toBe(
      'computer_name=a%20b%2Bc%2A%28x%29&desktop_id=a-1&desktop_id=z-2&limit=500&offset=0&status=ACTIVE&user_name=%C3%BC%2F%C3%9F~',
    );
    expect(signatureValid(req!, SK)).toBe(true);
  });

  it('signs under an endpoint with a path prefix and leaves User-Agent unsigned', async () => {
    const server = await answeringServer();
    const { client } = testClient(`${server.url}/gateway/`, { userAgent: 'wsgo-test/1' });
    await client.listDesktops();
    const [req] = server.requests;
    expect(req!.pathname).toBe(`/gateway/v2/${PROJECT_ID}/desktops/detail`);
    expect(headerValue(req!.headers, 'user-agent')).toBe('wsgo-test/1');
    expect(signedHeaders(req!)).not.toContain('user-agent');
    expect(signatureValid(req!, SK)).toBe(true);
  });
});

describe('BSS headers', () => {
  it('sends no X-Project-Id to BSS and signs X-Domain-Id only when configured', async () => {
    const server = await answeringServer();
    const { client } = testClient(server);
    await client.listCustomerOrders();
    const { client: withDomain } = testClient(server, { domainId: 'domain-0001' });
    await withDomain.listCustomerOrders();
    const [plain, domain] = server.requests;
    expect(plain!.pathname).toBe('/v2/orders/customer-orders');
    expect(plain!.headers['x-project-id']).toBeUndefined();
    expect(plain!.headers['x-domain-id']).toBeUndefined();
    expect(signedHeaders(plain!)).toEqual(['content-type', 'host', 'x-sdk-date']);
    expect(signatureValid(plain!, SK)).toBe(true);
    expect(headerValue(domain!.headers, 'x-domain-id')).toBe('domain-0001');
    expect(signedHeaders(domain!)).toContain('x-domain-id');
    expect(signatureValid(domain!, SK)).toBe(true);
  });

  it('pays with the v3 API, no coupons and no discounts', async () => {
    const server = await answeringServer();
    const { client } = testClient(server);
    await client.payOrder('CS2108102036B2CAI');
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.pathname).toBe('/v3/orders/customer-orders/pay');
    expect(JSON.parse(req!.body.toString())).toEqual({ order_id: 'CS2108102036B2CAI', use_coupon: 'NO', use_discount: 'NO' });
    expect(signatureValid(req!, SK)).toBe(true);
  });
});

describe('token and no-auth modes', () => {
  it('sends X-Auth-Token and no signature in token mode', async () => {
    const server = await answeringServer();
    const { client } = testClient(server, { auth: { kind: 'token', token: 'iam-token-value-123' } });
    await client.placeOrder(ORDER);
    const [req] = server.requests;
    expect(headerValue(req!.headers, 'x-auth-token')).toBe('iam-token-value-123');
    expect(req!.headers['authorization']).toBeUndefined();
    expect(req!.headers['x-sdk-date']).toBeUndefined();
    expect(headerValue(req!.headers, 'content-type')).toBe('application/json');
  });

  it('sends no credentials at all without auth (the simulator without keys)', async () => {
    const server = await answeringServer();
    const { client } = testClient(server, { auth: undefined });
    await client.listDesktops();
    const [req] = server.requests;
    expect(req!.headers['authorization']).toBeUndefined();
    expect(req!.headers['x-auth-token']).toBeUndefined();
    expect(headerValue(req!.headers, 'x-project-id')).toBe(PROJECT_ID);
  });
});

describe('options', () => {
  const base = { endpoint: 'http://127.0.0.1:1', bssEndpoint: 'http://127.0.0.1:1', projectId: PROJECT_ID };

  it('rejects an endpoint that is not an http(s) URL', () => {
    expect(() => new WorkspaceClient({ ...base, endpoint: 'workspace.example.com' })).toThrow(/the Workspace endpoint is not a valid URL/);
    expect(() => new WorkspaceClient({ ...base, bssEndpoint: 'ftp://bss.example.com' })).toThrow(/the BSS endpoint must be an http\(s\) URL/);
  });

  it('rejects numbers that would make paging or retrying loop or do nothing', () => {
    expect(() => new WorkspaceClient({ ...base, pageSize: { desktops: 0 } })).toThrow('client option pageSize.desktops must be a positive integer, got 0');
    expect(() => new WorkspaceClient({ ...base, retry: { maxAttempts: 0 } })).toThrow(/retry.maxAttempts/);
    expect(() => new WorkspaceClient({ ...base, timeoutMs: -1 })).toThrow('client option timeoutMs must be a positive integer, got -1');
  });
});
