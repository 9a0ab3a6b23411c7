/**
 * Error answers of the simulated APIs: the `{error_code, error_msg, error_detail?}` body the real API
 * returns, and every code the simulator uses. Codes the reference names are used as named there; codes
 * for business rules the captured documentation does not list carry `SIM` so nobody mistakes them for
 * real ones (docs/simulator.md lists them all).
 */
import { formatPath, type Problem } from '../validation/problems.js';
import type { SimResponse } from './types.js';

export const CODES = {
  /** API Gateway (reference §3 and the gateway's published table). */
  apiNotFound: 'APIGW.0101',
  requestTooLarge: 'APIGW.0201',
  backendUnavailable: 'APIGW.0201',
  badSignature: 'APIGW.0301',
  clockSkew: 'APIGW.0303',
  throttled: 'APIGW.0308',
  internal: 'APIGW.0601',
  /** Workspace: parameter errors (the code table's only 400 entry), and an unknown pool (Terraform provider). */
  parameter: 'WKS.0001',
  /** Workspace: resource not found (named in the Terraform provider). */
  notFound: 'WKS.0202',
  /** Workspace order business rules: not in the captured code table, simulator-only. */
  computerNameInUse: 'WKS.SIM.1001',
  desktopNotFound: 'WKS.SIM.1002',
  tooManyDataVolumes: 'WKS.SIM.1003',
  poolNameInUse: 'WKS.SIM.1004',
  poolNotFound: 'WKS.SIM.1005',
  desktopHasEip: 'WKS.SIM.1006',
  subnetHasBandwidth: 'WKS.SIM.1007',
  hostNameInUse: 'WKS.SIM.1008',
  userAlreadySharer: 'WKS.SIM.1009',
  hostProductNotFound: 'WKS.SIM.1010',
  /** BSS: parameter error (BSS API pages), then simulator-only codes. */
  bssParameter: 'CBC.0100',
  orderNotPending: 'CBC.SIM.2001',
  orderNotFound: 'CBC.SIM.2002',
} as const;

/** Thrown by handlers; the pipeline turns it into the error response. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toResponse(): SimResponse {
    return errorResponse(this.status, this.code, this.message, this.detail);
  }
}

export function errorResponse(status: number, code: string, message: string, detail?: string): SimResponse {
  return { status, body: detail === undefined ? { error_code: code, error_msg: message } : { error_code: code, error_msg: message, error_detail: detail } };
}

/** `path: message (rule r; allowed: a)`: where, what, which rule and what would be accepted. */
export function problemMessage(p: Problem): string {
  const allowed = p.allowed === undefined ? '' : `; allowed: ${p.allowed}`;
  return `${formatPath(p.path)}: ${p.message} (rule ${p.rule}${allowed})`;
}

/** 400 for invalid input: the first problem is the message, every problem goes in error_detail. */
export function problemsError(code: string, problems: readonly Problem[]): ApiError {
  const first = problems[0];
  const message = first === undefined ? 'the request is not valid' : problemMessage(first);
  const detail = problems.length > 1 ? problems.map(problemMessage).join('\n') : undefined;
  return new ApiError(400, code, message, detail);
}

export const API_NOT_FOUND = (): SimResponse => errorResponse(404, CODES.apiNotFound, 'The API does not exist or has not been published');
