/**
 * Credentials come from the environment only (design §2), never from a file. Messages name the
 * variables, never their values.
 */
import { WsgoError } from '../errors.js';

export type Auth =
  | { kind: 'aksk'; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: 'token'; token: string };

export type Env = Readonly<Record<string, string | undefined>>;

export const CREDENTIAL_ENV_VARS = {
  accessKey: 'HUAWEICLOUD_SDK_AK',
  secretKey: 'HUAWEICLOUD_SDK_SK',
  securityToken: 'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  token: 'WORKSPACE_AUTH_TOKEN',
} as const;

const { accessKey: AK, secretKey: SK, securityToken: ST, token: TOKEN } = CREDENTIAL_ENV_VARS;

/** Blank values count as unset: CI systems often export empty variables for missing secrets. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * AK/SK (with an optional security token for temporary credentials) wins over a token when both are
 * set, as in Huawei's SDKs. Half a key pair is an error rather than a silent fallback to the token.
 */
export function resolveAuth(env: Env): Auth | undefined {
  const accessKey = read(env, AK);
  const secretKey = read(env, SK);
  const securityToken = read(env, ST);
  if (accessKey !== undefined || secretKey !== undefined) {
    if (accessKey === undefined) throw incomplete(`${SK} is set but ${AK} is not`);
    if (secretKey === undefined) throw incomplete(`${AK} is set but ${SK} is not`);
    return securityToken === undefined ? { kind: 'aksk', accessKey, secretKey } : { kind: 'aksk', accessKey, secretKey, securityToken };
  }
  if (securityToken !== undefined) throw incomplete(`${ST} is set but ${AK} and ${SK} are not: a security token only works with its temporary key pair`);
  const token = read(env, TOKEN);
  return token === undefined ? undefined : { kind: 'token', token };
}

/** For commands that need the cloud: credentials, or an error that says how to provide them. */
export function requireAuth(env: Env): Auth {
  const auth = resolveAuth(env);
  if (auth) return auth;
  throw new WsgoError(
    'NO_CREDENTIALS',
    `no Huawei Cloud credentials: set ${AK} and ${SK} (plus ${ST} for temporary credentials), or ${TOKEN}`,
    { hint: 'or run with --simulate to use the embedded simulator, which needs no credentials' },
  );
}

/** The values to scrub from every message and log line. The AK is not secret, but it identifies the account. */
export function secretsOf(auth: Auth | undefined): string[] {
  if (!auth) return [];
  if (auth.kind === 'token') return [auth.token];
  return [auth.accessKey, auth.secretKey, ...(auth.securityToken === undefined ? [] : [auth.securityToken])];
}

function incomplete(what: string): WsgoError {
  return new WsgoError('INCOMPLETE_CREDENTIALS', `incomplete Huawei Cloud credentials: ${what}`, {
    hint: `set both ${AK} and ${SK}, or unset both and use ${TOKEN}`,
  });
}
