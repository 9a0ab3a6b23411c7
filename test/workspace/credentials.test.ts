import { describe, expect, it } from 'vitest';
import { WsgoError } from '../../src/errors.js';
import { requireAuth, resolveAuth, secretsOf } from '../../src/workspace/credentials.js';

const AK = 'AKVALUE123456';
const SK = 'SKVALUE-very-secret';
const ST = 'SECURITY-TOKEN-VALUE';
const TOKEN = 'IAM-TOKEN-VALUE';

function thrown(fn: () => unknown): WsgoError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WsgoError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('resolveAuth', () => {
  it('returns undefined without credentials', () => {
    expect(resolveAuth({})).toBeUndefined();
  });

  it('reads an AK/SK pair, with an optional security token', () => {
    expect(resolveAuth({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK })).toEqual({ kind: 'aksk', accessKey: AK, secretKey: SK });
    expect(resolveAuth({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: ST })).toEqual({
      kind: 'aksk',
      accessKey: AK,
      secretKey: SK,
      securityToken: ST,
    });
  });

  it('reads a token', () => {
    expect(resolveAuth({ WORKSPACE_AUTH_TOKEN: TOKEN })).toEqual({ kind: 'token', token: TOKEN });
  });

  it('prefers AK/SK when a token is set as well', () => {
    expect(resolveAuth({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, WORKSPACE_AUTH_TOKEN: TOKEN })?.kind).toBe('aksk');
  });

  it('treats blank values as unset', () => {
    expect(resolveAuth({ HUAWEICLOUD_SDK_AK: '', HUAWEICLOUD_SDK_SK: '  ', WORKSPACE_AUTH_TOKEN: TOKEN })).toEqual({ kind: 'token', token: TOKEN });
  });

  it('names the missing half of a key pair, never a value', () => {
    const noSk = thrown(() => resolveAuth({ HUAWEICLOUD_SDK_AK: AK, WORKSPACE_AUTH_TOKEN: TOKEN }));
    expect(noSk.code).toBe('INCOMPLETE_CREDENTIALS');
    expect(noSk.message).toBe('incomplete Huawei Cloud credentials: HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not');
    const noAk = thrown(() => resolveAuth({ HUAWEICLOUD_SDK_SK: SK }));
    expect(noAk.message).toBe('incomplete Huawei Cloud credentials: HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not');
    expect(`${noAk.message} ${noAk.hint}`).not.toContain(SK);
  });

  it('rejects a security token without its key pair', () => {
    expect(thrown(() => resolveAuth({ HUAWEICLOUD_SDK_SECURITY_TOKEN: ST })).message).toMatch(/HUAWEICLOUD_SDK_SECURITY_TOKEN is set but HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not/);
  });
});

describe('requireAuth', () => {
  it('names every variable and --simulate when nothing is set', () => {
    const error = thrown(() => requireAuth({}));
    expect(error.code).toBe('NO_CREDENTIALS');
    const text = `${error.message}\n${error.hint}`;
    for (const name of ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'WORKSPACE_AUTH_TOKEN', '--simulate']) {
      expect(text).toContain(name);
    }
  });

  it('returns the credentials when present', () => {
    expect(requireAuth({ WORKSPACE_AUTH_TOKEN: TOKEN })).toEqual({ kind: 'token', token: TOKEN });
  });
});

describe('secretsOf', () => {
  it('lists every value to redact', () => {
    expect(secretsOf({ kind: 'aksk', accessKey: AK, secretKey: SK, securityToken: ST })).toEqual([AK, SK, ST]);
    expect(secretsOf({ kind: 'token', token: TOKEN })).toEqual([TOKEN]);
    expect(secretsOf(undefined)).toEqual([]);
  });
});
