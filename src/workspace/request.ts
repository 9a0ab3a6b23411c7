/**
 * Turns a call into the exact request on the wire: URL, query, headers, signature. What is signed is
 * what is sent: the body string, the query string from the signer's own canonical form, the host.
 */
import { UsageError } from '../errors.js';
import type { Auth } from './credentials.js';
import type { HttpRequest } from './http.js';
import { percentEncode, queryString, signRequest, type Query } from './signer.js';

export interface Endpoint {
  origin: string;
  /** Path prefix of the endpoint URL without a trailing slash (usually empty). */
  basePath: string;
}

export function parseEndpoint(value: string, what: string): Endpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} is not a valid URL: ${value}`, 'use e.g. https://workspace.cn-north-4.myhuaweicloud.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${what} must be an http(s) URL: ${value}`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new UsageError(`${what} must not carry a query, fragment or user info: ${url.origin}${url.pathname}`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

/** A path template whose interpolated values (ids, project) are percent-encoded as one segment each. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? percentEncode(values[i] ?? '') : ''), '');
}

export type Service = 'workspace' | 'bss';

export interface WireCall {
  service: Service;
  method: 'GET' | 'POST';
  path: string;
  query?: Query;
  /** Serialized once by the caller; these bytes are hashed and sent on every attempt. */
  body?: string;
}

export interface WireContext {
  endpoint: Endpoint;
  auth: Auth | undefined;
  projectId: string;
  /** Sent (and signed) on BSS calls only when configured: see docs/client.md, "BSS headers". */
  domainId: string | undefined;
  userAgent: string;
  now: Date;
}

export function buildRequest(call: WireCall, ctx: WireContext): HttpRequest {
  const fullPath = `${ctx.endpoint.basePath}${call.path}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (call.service === 'workspace') headers['X-Project-Id'] = ctx.projectId;
  else if (ctx.domainId !== undefined) headers['X-Domain-Id'] = ctx.domainId;

  let sent = headers;
  if (ctx.auth?.kind === 'aksk') {
    if (ctx.auth.securityToken !== undefined) headers['X-Security-Token'] = ctx.auth.securityToken;
    sent = signRequest(
      { method: call.method, url: `${ctx.endpoint.origin}${fullPath}`, query: call.query, headers, body: call.body },
      { accessKey: ctx.auth.accessKey, secretKey: ctx.auth.secretKey },
      ctx.now,
    );
  } else if (ctx.auth?.kind === 'token') {
    headers['X-Auth-Token'] = ctx.auth.token;
  }
  // Added after signing, as Huawei's SDKs do: proxies may rewrite it.
  sent['User-Agent'] = ctx.userAgent;
  return {
    origin: ctx.endpoint.origin,
    method: call.method,
    path: `${fullPath}${queryString(call.query)}`,
    headers: sent,
    ...(call.body === undefined ? {} : { body: call.body }),
  };
}
