import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseAuthorization,
  sdkDate,
  sha256Hex,
  signRequest,
  stringToSign,
  verifySignature,
} from '../../src/workspace/signer.js';

describe('SDK-HMAC-SHA256 signing (reference test vectors)', () => {
  it('reproduces the official documentation vector', () => {
    const request = {
      method: 'GET',
      url: 'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
      query: { limit: 2, marker: '13551d6b-755d-4757-b956-536f674975c0' },
      headers: { 'content-type': 'application/json', 'X-Sdk-Date': '20191115T033655Z' },
    };
    const canonical = canonicalRequest(request);
    expect(canonical.split('\n')).toEqual([
      'GET',
      '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/',
      'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
      'content-type:application/json',
      'host:service.region.example.com',
      'x-sdk-date:20191115T033655Z',
      '',
      'content-type;host;x-sdk-date',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ]);
    expect(sha256Hex(canonical)).toBe('b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a');
    const headers = signRequest(request, { accessKey: 'QTWAOYTTINDUT2QVKYUC', secretKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc' }, new Date());
    expect(headers['Authorization']).toBe(
      'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    );
  });

  it('reproduces the Workspace order POST vector', () => {
    const body = '{"type":"createDesktops","resources":[]}';
    const headers = signRequest(
      {
        method: 'POST',
        url: 'https://workspace.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/periodic/subscribe/order',
        headers: { 'content-type': 'application/json', 'X-Project-Id': '0123456789abcdef0123456789abcdef', 'X-Sdk-Date': '20240101T000000Z' },
        body,
      },
      { accessKey: 'AKEXAMPLE', secretKey: 'SKEXAMPLE' },
      new Date(),
    );
    const auth = parseAuthorization(headers['Authorization']);
    expect(auth?.signedHeaders.join(';')).toBe('content-type;host;x-project-id;x-sdk-date');
    expect(auth?.signature).toBe('f1b2741b6c17cd0129d8a6e12f322939ee970e52ec6931f531be362df36df5db');
  });

  it('adds the trailing slash only to the canonical URI and encodes each segment', () => {
    expect(canonicalUri('/v2/p/desktops/detail')).toBe('/v2/p/desktops/detail/');
    expect(canonicalUri('/v2/p/a%20b/')).toBe('/v2/p/a%20b/');
  });

  it('sorts keys, repeats and sorts array values, and encodes spaces as %20', () => {
    expect(canonicalQuery({ z: 'a b', a: ['y', 'x'], skip: undefined })).toBe('a=x&a=y&z=a%20b');
    expect(canonicalQuery({ name: "it's*" })).toBe('name=it%27s%2A');
  });

  it('formats X-Sdk-Date as YYYYMMDDTHHMMSSZ in UTC', () => {
    expect(sdkDate(new Date('2024-01-02T03:04:05.678Z'))).toBe('20240102T030405Z');
  });

  it('verifies a signature and rejects a tampered body', () => {
    const base = {
      method: 'POST',
      url: 'http://127.0.0.1:8787/v2/p/periodic/subscribe/order',
      headers: { 'content-type': 'application/json', 'X-Project-Id': 'p' },
      body: '{"type":"addVolumes"}',
    };
    const now = new Date('2026-01-01T00:00:00Z');
    const headers = signRequest(base, { accessKey: 'AK', secretKey: 'SK' }, now);
    const auth = parseAuthorization(headers['Authorization'])!;
    const date = headers['X-Sdk-Date']!;
    const sent = { ...base, headers: { ...headers } };
    expect(verifySignature(sent, auth, 'SK', date)).toBe(true);
    expect(verifySignature({ ...sent, body: '{"type":"addVolumes "}' }, auth, 'SK', date)).toBe(false);
    expect(verifySignature(sent, auth, 'other', date)).toBe(false);
    expect(stringToSign('x', date).startsWith('SDK-HMAC-SHA256\n20260101T000000Z\n')).toBe(true);
  });
});
