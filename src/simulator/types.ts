/** Shapes shared by the simulator's files: the plain request/response its core works on and its public records. */
import type { DomainType, OrderBody, OrderType } from '../workspace/order-schema.js';
import type { FaultConfig } from './faults.js';

/** An HTTP request as the core sees it; the node:http adapter (server.ts) builds it. */
export interface SimRequest {
  method: string;
  /** The path without the query string, exactly as received (still percent-encoded). */
  path: string;
  /** The query string without `?`, exactly as received. */
  rawQuery: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The exact body bytes (signatures are checked over them). */
  body: Buffer;
}

export interface SimResponse {
  status: number;
  /** Sent as JSON; no body when undefined. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** `drop` asks the adapter to destroy the socket without writing a single byte. */
export type SimResult = SimResponse | { drop: true };

export interface SimulatorOptions {
  /** When set, requests for another project id get 404 APIGW.0101. */
  projectId?: string;
  /** Decides the user_name rules of order bodies. Default LOCAL_AD. */
  domainType?: DomainType;
  /** Persist to this JSON-lines event log; in memory when absent. */
  dataFile?: string;
  /** Time from payment to the resources showing in the read APIs. Default 0. */
  provisionDelayMs?: number;
  /** When set, every API request must be signed (SDK-HMAC-SHA256) with these keys. */
  credentials?: { accessKey: string; secretKey: string };
  /** When set, `X-Auth-Token` with this value is also accepted. */
  authToken?: string;
  /** Requests per second per path group; excess → 429 APIGW.0308. */
  rateLimit?: number;
  faults?: FaultConfig;
  /** Injected clock (default real time). */
  now?: () => Date;
  /** Injected randomness for fault fractions (default Math.random). */
  random?: () => number;
}

/** BSS order status codes the simulator moves through (reference §2). */
export const BSS_STATUS = { processing: 3, completed: 5, pendingPayment: 6 } as const;

export interface SimulatedOrder {
  order_id: string;
  job_id: string;
  type: OrderType;
  body: OrderBody;
  /** BSS status: 6 pending payment, 3 processing, 5 completed. */
  status: number;
  created_at: string;
  paid_at?: string;
  provisioned_at?: string;
}

export type OrderRequestOutcome = 'accepted' | 'rejected' | 'error' | 'throttled' | 'dropped-before-accept';

/** One order POST as received, whatever became of it. */
export interface OrderRequestRecord {
  at: string;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  outcome: OrderRequestOutcome;
  /** HTTP status answered; absent when the connection was dropped. */
  status?: number;
  order_id?: string;
  error_code?: string;
  error_msg?: string;
  /** The order was accepted and persisted, then the connection was destroyed without an answer. */
  dropped_after_accept?: boolean;
  /** The order was accepted and persisted, then answered with a 5xx. */
  error_after_accept?: boolean;
}

/** A user subscribed to collaboration (subscribeUserSharer); the real API has no public read for it. */
export interface UserSharerRecord {
  user_id: string;
  user_name: string;
  user_sharer_sku: string;
  order_id: string;
  subscribed_at: string;
}
