/**
 * Errors of the Workspace/BSS client. Every message is built once, in the constructor, and passes
 * through the client's redactor: an error can be printed, logged or stored without leaking a secret.
 */
import { WsgoError } from '../errors.js';
import { redactSecrets } from '../redact.js';

/** Turns text into text safe to show; the client binds one to its own secrets. */
export type Redact = (text: string) => string;

const defaultRedact: Redact = (text) => redactSecrets(text);

/** How much of a non-JSON error body a message keeps: enough to recognise an HTML error page. */
const MAX_RAW_BODY_CHARS = 300;

/** API Gateway throttling codes (reference §3): the gateway refused the call before any service saw it. */
export const GATEWAY_THROTTLE_CODES: readonly string[] = ['APIGW.0308', 'APIG.0308'];

export interface ApiErrorInit {
  operation: string;
  status: number;
  errorCode: string;
  errorMsg: string;
  errorDetail?: string;
  encodedAuthorizationMessage?: string;
  /** From a Retry-After header, when the server sent one. */
  retryAfterMs?: number;
}

/** The server answered with an HTTP error (or a 2xx the client cannot use as a reply). */
export class ApiError extends WsgoError {
  readonly operation: string;
  readonly status: number;
  readonly errorCode: string;
  readonly errorMsg: string;
  readonly errorDetail: string | undefined;
  readonly encodedAuthorizationMessage: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit, redact: Redact = defaultRedact) {
    const errorMsg = redact(init.errorMsg);
    const errorDetail = init.errorDetail === undefined ? undefined : redact(init.errorDetail);
    const code = init.errorCode === '' ? '' : ` ${init.errorCode}`;
    const detail = errorDetail && errorDetail !== errorMsg ? ` (${errorDetail})` : '';
    const hint = hintFor(init.status, init.errorCode, init.encodedAuthorizationMessage !== undefined);
    super('API_ERROR', redact(`${init.operation}: HTTP ${init.status}${code}: ${errorMsg || 'no error message'}${detail}`), hint === undefined ? {} : { hint });
    this.operation = init.operation;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.errorMsg = errorMsg;
    this.errorDetail = errorDetail;
    this.encodedAuthorizationMessage = init.encodedAuthorizationMessage;
    this.retryAfterMs = init.retryAfterMs;
  }
}

function hintFor(status: number, errorCode: string, hasEncodedAuthorization: boolean): string | undefined {
  if (errorCode === 'APIGW.0303') return 'the request date is more than 15 minutes off the server clock: check this machine\'s clock';
  if (errorCode === 'APIGW.0301' || status === 401) return 'check HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (or WORKSPACE_AUTH_TOKEN) and the project id';
  if (hasEncodedAuthorization) return 'the IAM denial reason is in encodedAuthorizationMessage; decode it with the STS decode-authorization-message API';
  if (status === 403) return 'the credentials lack a permission this call needs';
  return undefined;
}

/**
 * An order POST that may have reached the server and whose result the client does not know. Never
 * retried: the journal records the order as in doubt and the next run looks for evidence first.
 */
export class OutcomeUnknownError extends WsgoError {
  readonly operation: string;

  constructor(operation: string, what: string, cause: unknown, redact: Redact = defaultRedact) {
    super(
      'ORDER_OUTCOME_UNKNOWN',
      redact(`${operation}: outcome unknown, the request may have reached the server (${what}); it was not sent again because the order may have been placed`),
      {
        cause,
        hint: 'the order stays in doubt: a later run checks the live resources and the BSS order list before ordering again (see `wsgo state list` and `wsgo state resolve`)',
      },
    );
    this.operation = operation;
  }
}

/** No usable HTTP answer: the connection failed, timed out or was closed, after every retry allowed. */
export class NetworkError extends WsgoError {
  readonly operation: string;
  /** Whether the last attempt may have reached the server (false: it certainly did not). */
  readonly sent: boolean;
  readonly attempts: number;

  constructor(operation: string, what: string, init: { sent: boolean; attempts: number; cause: unknown }, redact: Redact = defaultRedact) {
    const tries = init.attempts === 1 ? '1 attempt' : `${init.attempts} attempts`;
    const fate = init.sent ? 'no answer from the server' : 'could not reach the server';
    super('NETWORK_ERROR', redact(`${operation}: ${fate} after ${tries} (${what})`), {
      cause: init.cause,
      hint: 'check the endpoint, the network path and any proxy; reads are retried with backoff before this error',
    });
    this.operation = operation;
    this.sent = init.sent;
    this.attempts = init.attempts;
  }
}

/** A 2xx the client cannot use: not JSON, the wrong shape, or paging that never ends. */
export class InvalidResponseError extends WsgoError {
  readonly operation: string;

  constructor(operation: string, what: string, redact: Redact = defaultRedact) {
    super('INVALID_RESPONSE', redact(`${operation}: unexpected response: ${what}`));
    this.operation = operation;
  }
}

/** A caller's AbortSignal fired before the request was sent: nothing reached the server. */
export function abortedError(operation: string): WsgoError {
  return new WsgoError('ABORTED', `${operation}: aborted before the request was sent; nothing reached the server`);
}

/** HTTP 429, or the gateway's throttling code under any status. */
export function isThrottle(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 429 || GATEWAY_THROTTLE_CODES.includes(err.errorCode));
}

/** The gateway itself refused the call: the request never reached the service behind it. */
export function isGatewayThrottle(err: unknown): boolean {
  return err instanceof ApiError && err.status === 429 && GATEWAY_THROTTLE_CODES.includes(err.errorCode);
}

/** Statuses a read is retried on: throttling and the transient server/gateway failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * Maps an HTTP error answer to an ApiError. Workspace bodies are `{error_code, error_msg,
 * error_detail?, encoded_authorization_message?}`, BSS bodies `{error_code, error_msg}`; some gateways
 * nest `{error: {code, message}}`. Anything else is kept, truncated, as the message.
 */
export function apiErrorFromBody(
  operation: string,
  status: number,
  body: Buffer,
  redact: Redact = defaultRedact,
  retryAfterMs?: number,
): ApiError {
  const text = body.toString('utf8');
  const fields = errorFields(text);
  const base = { operation, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (fields) return new ApiError({ ...base, ...fields }, redact);
  const raw = text.length > MAX_RAW_BODY_CHARS ? `${text.slice(0, MAX_RAW_BODY_CHARS)}… (${text.length} characters)` : text;
  return new ApiError({ ...base, errorCode: '', errorMsg: raw.trim() === '' ? 'empty response body' : `non-JSON body: ${raw}` }, redact);
}

type ErrorFields = Pick<ApiErrorInit, 'errorCode' | 'errorMsg' | 'errorDetail' | 'encodedAuthorizationMessage'>;

function errorFields(text: string): ErrorFields | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const nested = parsed['error'];
  const source = isRecord(nested) ? { error_code: nested['code'], error_msg: nested['message'] } : parsed;
  const errorCode = stringField(source, 'error_code');
  const errorMsg = stringField(source, 'error_msg');
  if (errorCode === undefined && errorMsg === undefined) return undefined;
  const errorDetail = stringField(parsed, 'error_detail');
  const encoded = stringField(parsed, 'encoded_authorization_message');
  return {
    errorCode: errorCode ?? '',
    errorMsg: errorMsg ?? '',
    ...(errorDetail === undefined || errorDetail === '' ? {} : { errorDetail }),
    ...(encoded === undefined || encoded === '' ? {} : { encodedAuthorizationMessage: encoded }),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
