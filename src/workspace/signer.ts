/**
 * Huawei Cloud SDK-HMAC-SHA256 request signing (reference/workspace-api.md §4). The simulator verifies
 * with the same canonicalisation, so the reference's test vectors pin both sides.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;
export type Query = Record<string, QueryValue>;

export interface SignableRequest {
  method: string;
  /** Absolute URL without the query string. */
  url: string;
  query?: Query;
  /** Header names in any case; values exactly as sent. */
  headers: Record<string, string>;
  /** The exact bytes sent, or undefined for no body. */
  body?: string | Buffer;
}

/** RFC 3986 unreserved characters stay; everything else is %XX (so a space is %20, never +). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Each segment encoded, and a trailing slash appended: the wire URL drops it, the signature keeps it. */
export function canonicalUri(pathname: string): string {
  const segments = pathname.split('/').map((s) => percentEncode(decodeURIComponent(s)));
  const joined = segments.join('/');
  return joined.endsWith('/') ? joined : `${joined}/`;
}

/** Keys sorted; array values sorted and repeated; undefined values left out. */
export function canonicalQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? [...(value as readonly (string | number | boolean)[])].map(String).sort() : [String(value)];
    for (const v of values) parts.push(`${percentEncode(key)}=${percentEncode(v)}`);
  }
  return parts.join('&');
}

/** The query string for the wire, with exactly the encoding that was signed. */
export function queryString(query: Query | undefined): string {
  const q = canonicalQuery(query);
  return q === '' ? '' : `?${q}`;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/** Header names to sign: every header present plus host, lowercased and sorted. */
function signedHeaderMap(request: SignableRequest): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) map.set(name.toLowerCase(), value);
  if (!map.has('host')) map.set('host', hostOf(request.url));
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function canonicalRequest(request: SignableRequest, signedHeaders?: readonly string[]): string {
  const all = signedHeaderMap(request);
  const names = signedHeaders ? [...signedHeaders] : [...all.keys()];
  const headerLines = names.map((n) => `${n}:${all.get(n) ?? ''}\n`).join('');
  const contentSha = all.get('x-sdk-content-sha256');
  const payloadHash = contentSha ?? (request.body === undefined || request.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(request.body));
  return [
    request.method.toUpperCase(),
    canonicalUri(new URL(request.url).pathname),
    canonicalQuery(request.query),
    headerLines,
    names.join(';'),
    payloadHash,
  ].join('\n');
}

export function stringToSign(canonical: string, sdkDate: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

export function signature(secretKey: string, toSign: string): string {
  return createHmac('sha256', secretKey).update(toSign).digest('hex');
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function sdkDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

/**
 * Signs a request: adds X-Sdk-Date (unless present) and returns the headers to send, Authorization
 * included. Every header passed in is signed, so add X-Project-Id / X-Security-Token / content-type first.
 */
export function signRequest(request: SignableRequest, credentials: Credentials, now: Date): Record<string, string> {
  const headers = { ...request.headers };
  const dateKey = Object.keys(headers).find((k) => k.toLowerCase() === 'x-sdk-date');
  const date = dateKey ? headers[dateKey]! : sdkDate(now);
  if (!dateKey) headers['X-Sdk-Date'] = date;
  const signable = { ...request, headers };
  const names = [...signedHeaderMap(signable).keys()];
  const sig = signature(credentials.secretKey, stringToSign(canonicalRequest(signable, names), date));
  headers['Authorization'] = `${ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${names.join(';')}, Signature=${sig}`;
  return headers;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(value: string | undefined): ParsedAuthorization | undefined {
  if (!value) return undefined;
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(value.trim());
  if (!m) return undefined;
  return { accessKey: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]! };
}

/** Recompute the signature over the headers the client said it signed and compare in constant time. */
export function verifySignature(request: SignableRequest, auth: ParsedAuthorization, secretKey: string, date: string): boolean {
  if (!auth.signedHeaders.includes('host')) return false;
  const expected = signature(secretKey, stringToSign(canonicalRequest(request, auth.signedHeaders), date));
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(auth.signature, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
