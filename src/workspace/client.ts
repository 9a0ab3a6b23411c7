/**
 * The Workspace + BSS HTTP client: the only implementation of WorkspaceApi that talks to a server.
 * Signing, retries and error mapping are in exchange.ts; this file maps each API to its path, query
 * and response envelope.
 */
import { UsageError, WsgoError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { redactSecrets } from '../redact.js';
import { secretsOf, type Auth } from './credentials.js';
import { OutcomeUnknownError, type Redact } from './errors.js';
import { exchange, type Call, type ExchangeContext } from './exchange.js';
import { createDispatchers, type Dispatchers } from './http.js';
import type { OrderBody, OrderResponse } from './order-schema.js';
import { collectPages } from './paging.js';
import { parseEndpoint, path, type Service } from './request.js';
import { DEFAULT_RETRY, realSleep, type RetrySettings } from './retry.js';
import { isObject, objectField, pageOf, parseObject, requireString, type JsonObject } from './shapes.js';
import type { Query } from './signer.js';
import type {
  CustomerOrder,
  CustomerOrderFilter,
  DesktopDetail,
  DesktopFilter,
  DesktopPoolDetail,
  EipDetail,
  ExclusiveHostDetail,
  JobDetail,
  SubnetBandwidthDetail,
  WorkspaceApi,
} from './types.js';

export interface ClientOptions {
  /** Workspace base URL, e.g. https://workspace.cn-north-4.myhuaweicloud.com or http://127.0.0.1:8787. */
  endpoint: string;
  /** BSS base URL (the simulator serves both on one URL). */
  bssEndpoint: string;
  projectId: string;
  /** Undefined: no auth headers (the embedded simulator without keys). */
  auth?: Auth;
  /** Account (domain) id. When set it is sent and signed as X-Domain-Id on BSS calls; see docs/client.md. */
  domainId?: string;
  /** Per attempt, covering connect, headers and body. Default 30 000. */
  timeoutMs?: number;
  retry?: Partial<RetrySettings>;
  pageSize?: { desktops?: number; pools?: number; eips?: number; orders?: number };
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  logger?: Logger;
  userAgent?: string;
}

/** Published maxima (reference §1.6, BSS list limit 100); bandwidths and hosts have no documented maximum. */
const DEFAULT_PAGE_SIZE = { desktops: 500, pools: 1000, eips: 1000, orders: 100, bandwidths: 100, hosts: 100 };

export class WorkspaceClient implements WorkspaceApi {
  private readonly ctx: ExchangeContext;
  private readonly dispatchers: Dispatchers;
  private readonly pageSize: typeof DEFAULT_PAGE_SIZE;

  constructor(options: ClientOptions) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const secrets = secretsOf(options.auth);
    const redact: Redact = (text) => redactSecrets(text, process.env, secrets);
    // Everything that can reject the options runs before the connection pools exist.
    const endpoints = { workspace: parseEndpoint(options.endpoint, 'the Workspace endpoint'), bss: parseEndpoint(options.bssEndpoint, 'the BSS endpoint') };
    this.pageSize = positive('pageSize', { ...DEFAULT_PAGE_SIZE, ...defined(options.pageSize) });
    const retry = positive('retry', { ...DEFAULT_RETRY, ...defined(options.retry) });
    positive('', { timeoutMs });
    this.dispatchers = createDispatchers(timeoutMs);
    this.ctx = {
      endpoints,
      dispatchers: this.dispatchers,
      auth: options.auth,
      projectId: options.projectId,
      domainId: options.domainId,
      userAgent: options.userAgent ?? 'workspace-gitops',
      timeoutMs,
      retry,
      now: options.now ?? (() => new Date()),
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
      logger: (options.logger ?? silentLogger).child({ component: 'workspace-client' }),
      redact,
    };
  }

  /** Releases the pooled connections; the client must not be used afterwards. */
  async close(): Promise<void> {
    await this.dispatchers.close();
  }

  async placeOrder(body: OrderBody, options: { signal?: AbortSignal } = {}): Promise<OrderResponse> {
    const operation = 'place order';
    const response = await this.call({
      kind: 'order',
      operation,
      service: 'workspace',
      method: 'POST',
      path: path`/v2/${this.ctx.projectId}/periodic/subscribe/order`,
      body: JSON.stringify(body),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    // The server accepted the order; a reply without an order id leaves its fate as unknown as a lost one.
    let reply: JsonObject;
    try {
      reply = parseObject(operation, response.body, this.ctx.redact);
    } catch (error) {
      throw new OutcomeUnknownError(operation, `HTTP ${response.status} with a body that is not a JSON object`, error, this.ctx.redact);
    }
    const orderId = reply['order_id'];
    if (typeof orderId !== 'string' || orderId === '') {
      throw new OutcomeUnknownError(operation, `HTTP ${response.status} without an order_id`, undefined, this.ctx.redact);
    }
    const jobId = reply['job_id'];
    return typeof jobId === 'string' && jobId !== '' ? { order_id: orderId, job_id: jobId } : { order_id: orderId };
  }

  async payOrder(orderId: string): Promise<void> {
    await this.call({
      kind: 'payment',
      operation: 'pay order',
      service: 'bss',
      method: 'POST',
      path: '/v3/orders/customer-orders/pay',
      body: JSON.stringify({ order_id: orderId, use_coupon: 'NO', use_discount: 'NO' }),
    });
  }

  async listDesktops(filter: DesktopFilter = {}): Promise<DesktopDetail[]> {
    const { computer_name, user_name, status, desktop_id, pool_id, enterprise_project_id } = filter;
    return this.list<DesktopDetail>('list desktops', 'workspace', this.projectPath('/desktops/detail'), {
      query: { computer_name, user_name, status, desktop_id, pool_id, enterprise_project_id },
      itemsKey: 'desktops',
      idKey: 'desktop_id',
      limit: this.pageSize.desktops,
    });
  }

  async listDesktopPools(filter: { name?: string } = {}): Promise<DesktopPoolDetail[]> {
    return this.list<DesktopPoolDetail>('list desktop pools', 'workspace', this.projectPath('/desktop-pools'), {
      query: { name: filter.name },
      itemsKey: 'desktop_pools',
      idKey: 'id',
      limit: this.pageSize.pools,
    });
  }

  async getDesktopPool(poolId: string): Promise<DesktopPoolDetail> {
    const operation = 'get desktop pool';
    const body = await this.getObject(operation, 'workspace', `${this.projectPath('/desktop-pools')}${path`/${poolId}`}`);
    requireString(operation, body, 'id', this.ctx.redact);
    // Checked: an object with its id; the rest is the documented pool shape (not wrapped, reference §1.2).
    return body as unknown as DesktopPoolDetail;
  }

  async listSubnetBandwidths(filter: { subnet_id?: string } = {}): Promise<SubnetBandwidthDetail[]> {
    return this.list<SubnetBandwidthDetail>('list subnet bandwidths', 'workspace', this.projectPath('/bandwidths'), {
      query: { subnet_id: filter.subnet_id },
      itemsKey: 'bandwidths',
      idKey: 'bandwidth_id',
      limit: this.pageSize.bandwidths,
    });
  }

  async listEips(filter: { desktop_id?: string } = {}): Promise<EipDetail[]> {
    return this.list<EipDetail>('list EIPs', 'workspace', this.projectPath('/eips'), {
      query: { desktop_id: filter.desktop_id },
      itemsKey: 'eips',
      idKey: 'id',
      limit: this.pageSize.eips,
    });
  }

  async listExclusiveHosts(filter: { name?: string } = {}): Promise<ExclusiveHostDetail[]> {
    return this.list<ExclusiveHostDetail>('list exclusive hosts', 'workspace', this.projectPath('/hosts'), {
      query: { name: filter.name },
      itemsKey: 'dedicated_hosts',
      totalKey: 'total',
      idKey: 'dedicated_host_id',
      limit: this.pageSize.hosts,
    });
  }

  async getJob(jobId: string): Promise<JobDetail> {
    const operation = 'get job';
    const body = await this.getObject(operation, 'workspace', `${this.projectPath('/workspace-jobs')}${path`/${jobId}`}`);
    requireString(operation, body, 'id', this.ctx.redact);
    // Checked: an object with its id; the rest is the documented job shape.
    return body as unknown as JobDetail;
  }

  async getCustomerOrder(orderId: string): Promise<CustomerOrder> {
    const operation = 'get customer order';
    const body = await this.getObject(operation, 'bss', path`/v2/orders/customer-orders/details/${orderId}`);
    const info = objectField(operation, body, 'order_info', this.ctx.redact);
    requireString(operation, info, 'order_id', this.ctx.redact);
    // Checked: `order_info` with its id; the rest is the documented BSS order shape.
    return info as unknown as CustomerOrder;
  }

  async listCustomerOrders(filter: CustomerOrderFilter = {}): Promise<CustomerOrder[]> {
    const operation = 'list customer orders';
    return this.list<CustomerOrder>(operation, 'bss', '/v2/orders/customer-orders', {
      query: {
        create_time_begin: bssTime(operation, 'create_time_begin', filter.create_time_begin),
        create_time_end: bssTime(operation, 'create_time_end', filter.create_time_end),
        status: filter.status,
        order_id: filter.order_id,
      },
      itemsKey: 'order_infos',
      idKey: 'order_id',
      limit: this.pageSize.orders,
    });
  }

  private projectPath(suffix: string): string {
    return `${path`/v2/${this.ctx.projectId}`}${suffix}`;
  }

  private call(call: Call): ReturnType<typeof exchange> {
    return exchange(call, this.ctx);
  }

  private async getObject(operation: string, service: Service, urlPath: string, query?: Query): Promise<JsonObject> {
    const response = await this.call({ kind: 'read', operation, service, method: 'GET', path: urlPath, ...(query === undefined ? {} : { query }) });
    return parseObject(operation, response.body, this.ctx.redact);
  }

  private list<T>(
    operation: string,
    service: Service,
    urlPath: string,
    shape: { query: Query; itemsKey: string; totalKey?: string; idKey: string; limit: number },
  ): Promise<T[]> {
    const { redact } = this.ctx;
    const idOf = (item: T): string => {
      const id = isObject(item) ? item[shape.idKey] : undefined;
      return typeof id === 'string' ? id : '';
    };
    return collectPages({ operation, limit: shape.limit, idOf, redact }, async (offset, limit) => {
      const body = await this.getObject(operation, service, urlPath, { ...shape.query, offset, limit });
      return pageOf<T>(operation, body, shape.itemsKey, shape.totalKey ?? 'total_count', shape.idKey, redact);
    });
  }
}

/** Drops keys set to undefined, so `{ timeoutMs: undefined }` keeps the default instead of erasing it. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Numeric options must be positive integers: a zero page size or attempt count would loop or do nothing. */
function positive<T extends Record<string, number>>(what: string, values: T): T {
  for (const [key, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value <= 0) throw new UsageError(`client option ${what === '' ? key : `${what}.${key}`} must be a positive integer, got ${value}`);
  }
  return values;
}

export function createWorkspaceClient(options: ClientOptions): WorkspaceClient {
  return new WorkspaceClient(options);
}

/** BSS wants UTC `YYYY-MM-DDTHH:mm:ssZ`; any parseable date is normalized to it. */
export function bssTime(operation: string, field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new WsgoError('INVALID_ARGUMENT', `${operation}: ${field} is not a date: ${value}`, { hint: 'use UTC, e.g. 2024-01-31T08:00:00Z' });
  }
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
