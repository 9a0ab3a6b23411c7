/**
 * Who may call: with credentials every API request must carry a valid SDK-HMAC-SHA256 signature over
 * its exact bytes (verified with the same canonical form the client signs with); with a token,
 * `X-Auth-Token` equal to it is accepted too; with neither, nobody is asked.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseAuthorization, parseSdkDate, verifySignature } from '../workspace/signer.js';
import { ApiError, CODES } from './api-error.js';
import { toSignerQuery, type QueryParams } from './query.js';
import type { SimRequest } from './types.js';

/** The gateway rejects an X-Sdk-Date further than this from its clock (reference §4). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface AuthConfig {
  credentials?: { accessKey: string; secretKey: string };
  authToken?: string;
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

const denied = (why: string) => new ApiError(401, CODES.badSignature, `Incorrect IAM authentication information: ${why}`);

/** Undefined when the request may proceed, else the 401 to answer. */
export function authFailure(req: SimRequest, query: QueryParams, config: AuthConfig, now: Date): ApiError | undefined {
  const { credentials, authToken } = config;
  if (!credentials && authToken === undefined) return undefined;
  const token = req.headers['x-auth-token'];
  if (authToken !== undefined && token !== undefined && sameSecret(token, authToken)) return undefined;
  if (!credentials) return denied(token === undefined ? 'X-Auth-Token is missing' : 'the X-Auth-Token is not valid');

  const auth = parseAuthorization(req.headers['authorization']);
  if (!auth) return denied('the Authorization header is missing or is not SDK-HMAC-SHA256');
  if (auth.accessKey !== credentials.accessKey) return denied('unknown access key');
  const date = req.headers['x-sdk-date'];
  if (date === undefined) return denied('the X-Sdk-Date header is missing');
  const signedAt = parseSdkDate(date);
  if (!signedAt) return denied('X-Sdk-Date is not YYYYMMDDTHHMMSSZ');
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
    return new ApiError(401, CODES.clockSkew, `Incorrect app authentication information: X-Sdk-Date ${date} is more than 15 minutes from the server time`);
  }
  const host = req.headers['host'] ?? 'localhost';
  const signable = { method: req.method, url: `http://${host}${req.path}`, query: toSignerQuery(query), headers: req.headers, body: req.body };
  let valid = false;
  try {
    valid = verifySignature(signable, auth, credentials.secretKey, date);
  } catch {
    // A path with malformed percent-encoding cannot be canonicalised, so it cannot have been signed.
  }
  return valid ? undefined : denied('verify aksk signature fail');
}
