import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFromBody, isRetryableStatus, isThrottle, OutcomeUnknownError, NetworkError } from '../../src/workspace/errors.js';

const body = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('apiErrorFromBody', () => {
  it('maps a Workspace error body', () => {
    const error = apiErrorFromBody('place order', 400, body({ error_code: 'WKS.0001', error_msg: 'resources[0] is invalid', error_detail: 'size must be a multiple of 10' }));
    expect(error).toMatchObject({ status: 400, errorCode: 'WKS.0001', errorMsg: 'resources[0] is invalid', errorDetail: 'size must be a multiple of 10', operation: 'place order' });
    expect(error.message).toBe('place order: HTTP 400 WKS.0001: resources[0] is invalid (size must be a multiple of 10)');
  });

  it('maps a BSS error body', () => {
    const error = apiErrorFromBody('pay order', 403, body({ error_code: 'CBC.0151', error_msg: 'Access denied.' }));
    expect(error.message).toBe('pay order: HTTP 403 CBC.0151: Access denied.');
    expect(error.hint).toMatch(/permission/);
  });

  it('maps a nested {error: {code, message}} body', () => {
    expect(apiErrorFromBody('get job', 401, body({ error: { code: 'APIGW.0301', message: 'Incorrect IAM authentication information' } })).message).toBe(
      'get job: HTTP 401 APIGW.0301: Incorrect IAM authentication information',
    );
  });

  it('keeps a non-JSON body, truncated', () => {
    const html = `<html>${'x'.repeat(1000)}</html>`;
    const error = apiErrorFromBody('list desktops', 502, body(html));
    expect(error.errorCode).toBe('');
    expect(error.message).toMatch(/^list desktops: HTTP 502: non-JSON body: <html>x+… \(1013 characters\)$/);
    expect(error.message.length).toBeLessThan(400);
  });

  it('says when the body was empty', () => {
    expect(apiErrorFromBody('list EIPs', 503, Buffer.alloc(0)).message).toBe('list EIPs: HTTP 503: empty response body');
  });

  it('hints at the clock for a signature date out of range', () => {
    expect(apiErrorFromBody('list desktops', 401, body({ error_code: 'APIGW.0303', error_msg: 'Incorrect app authentication information: verify aksk signature fail' })).hint).toMatch(/clock/);
  });

  it('redacts secrets echoed back by the server, with the redactor it is given', () => {
    const redact = (t: string) => t.split('hunter2-secret').join('[REDACTED]');
    const error = apiErrorFromBody('place order', 400, body({ error_code: 'X', error_msg: 'bad key hunter2-secret', error_detail: 'header hunter2-secret' }), redact);
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.errorMsg).toBe('bad key [REDACTED]');
    expect(error.errorDetail).toBe('header [REDACTED]');
  });
});

describe('classification', () => {
  it('recognises throttling by status or gateway code', () => {
    expect(isThrottle(new ApiError({ operation: 'x', status: 429, errorCode: 'WKS.1', errorMsg: '' }))).toBe(true);
    expect(isThrottle(new ApiError({ operation: 'x', status: 400, errorCode: 'APIG.0308', errorMsg: '' }))).toBe(true);
    expect(isThrottle(new ApiError({ operation: 'x', status: 503, errorCode: 'WKS.1', errorMsg: '' }))).toBe(false);
    expect(isThrottle(new Error('429'))).toBe(false);
  });

  it('retries reads on 429 and 500/502/503/504 only', () => {
    expect([400, 401, 403, 404, 409, 429, 500, 501, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 500, 502, 503, 504]);
  });

  it('gives each error a stable code', () => {
    expect(new OutcomeUnknownError('place order', 'HTTP 500', undefined).code).toBe('ORDER_OUTCOME_UNKNOWN');
    expect(new NetworkError('list desktops', 'ECONNRESET', { sent: true, attempts: 6, cause: undefined }).code).toBe('NETWORK_ERROR');
  });
});
