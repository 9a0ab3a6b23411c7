/** Huawei Cloud Workspace + BSS access: the WorkspaceApi contract, its HTTP client, credentials, signing and the order schema. */
export { WorkspaceClient, createWorkspaceClient, bssTime, type ClientOptions } from './client.js';
export { resolveAuth, requireAuth, secretsOf, CREDENTIAL_ENV_VARS, type Auth, type Env } from './credentials.js';
export {
  ApiError,
  OutcomeUnknownError,
  NetworkError,
  InvalidResponseError,
  GATEWAY_THROTTLE_CODES,
  isThrottle,
  isGatewayThrottle,
  isRetryableStatus,
  apiErrorFromBody,
  type ApiErrorInit,
  type Redact,
} from './errors.js';
export { DEFAULT_RETRY, backoffDelay, type RetrySettings } from './retry.js';
export type * from './types.js';
export { ORDER_STATUS } from './types.js';
