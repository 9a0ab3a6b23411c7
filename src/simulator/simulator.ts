/**
 * The simulator's core: `handle(request)` on plain objects, all state inside, clock and randomness
 * injected. Every API request goes through the same steps: route → latency → project → authentication →
 * throttling → faults before processing → the handler → faults after acceptance (docs/simulator.md).
 * Order POSTs are recorded whatever became of them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, API_NOT_FOUND, CODES, errorResponse } from './api-error.js';
import { handleAdmin } from './admin.js';
import { authFailure, type AuthConfig } from './auth.js';
import { FaultInjector, type AfterFault, type BeforeFault, type FaultConfig } from './faults.js';
import { EventLog, noPersistence, DataFileError, type EventSink } from './persistence.js';
import { parseJsonBody } from './ordering.js';
import { parseQuery } from './query.js';
import { RateLimiter } from './rate-limit.js';
import { matchRoute, type RouteMatch } from './routes.js';
import type { DesktopDetail, DesktopPoolDetail, EipDetail, ExclusiveHostDetail, SubnetBandwidthDetail } from '../workspace/types.js';
import type { OrderRequestOutcome, OrderRequestRecord, SimRequest, SimResponse, SimResult, SimulatedOrder, SimulatorOptions, UserSharerRecord } from './types.js';
import { isoTime } from './ids.js';
import { World, type OrderEntry } from './world.js';

const DROP = { drop: true } as const;

/** The gateway's own words for the 5xx answers faults produce (APIGW table); the real Workspace 5xx bodies were not captured. */
function serverError(status: number): SimResponse {
  if (status === 502 || status === 503) return errorResponse(status, CODES.backendUnavailable, 'Backend unavailable.');
  if (status === 504) return errorResponse(status, CODES.backendUnavailable, 'Backend timeout.');
  if (status === 429) return throttled();
  if (status >= 500) return errorResponse(status, CODES.internal, 'Internal server error.');
  return errorResponse(status, CODES.parameter, 'Injected fault.');
}

function throttled(): SimResponse {
  return errorResponse(429, CODES.throttled, 'The throttling threshold has been reached.');
}

function isResponse(r: SimResult): r is SimResponse {
  return !('drop' in r);
}

export class Simulator {
  private readonly world: World;
  private readonly faultInjector: FaultInjector;
  private readonly limiter: RateLimiter;
  private readonly auth: AuthConfig;
  private readonly projectId: string | undefined;
  private readonly clock: () => Date;
  private records: OrderRequestRecord[] = [];

  constructor(options: SimulatorOptions = {}) {
    const delay = options.provisionDelayMs ?? 0;
    if (!Number.isFinite(delay) || delay < 0) throw new RangeError(`provisionDelayMs must be a number >= 0, got ${delay}`);
    this.clock = options.now ?? (() => new Date());
    this.projectId = options.projectId;
    this.auth = { ...(options.credentials ? { credentials: options.credentials } : {}), ...(options.authToken === undefined ? {} : { authToken: options.authToken }) };
    this.limiter = new RateLimiter(options.rateLimit);
    this.faultInjector = new FaultInjector(options.faults, options.random ?? Math.random);
    let sink: EventSink = noPersistence;
    let events: ReturnType<typeof EventLog.open>['events'] = [];
    if (options.dataFile !== undefined) ({ log: sink, events } = EventLog.open(options.dataFile));
    this.world = new World({ domainType: options.domainType ?? 'LOCAL_AD', provisionDelayMs: delay, sink });
    try {
      this.world.replay(events, (i) => `simulator data file ${options.dataFile ?? ''}: event ${i + 1}`);
    } catch (error) {
      sink.close();
      throw error instanceof DataFileError ? error : new DataFileError(error instanceof Error ? error.message : String(error));
    }
  }

  /** Answers one request; `{drop: true}` means destroy the connection without a byte. */
  async handle(req: SimRequest): Promise<SimResult> {
    if (req.path === '/_simulator' || req.path.startsWith('/_simulator/')) return handleAdmin(this, req);
    const match = matchRoute(req.method, req.path);
    if (!match) return API_NOT_FOUND();
    const latency = this.faultInjector.latencyMs;
    if (latency > 0) await sleep(latency);
    const now = this.clock();
    const isOrder = match.route.kind === 'order';
    const result = this.process(req, match, now);
    if (isOrder) this.records.push(this.recordOf(req, now, result));
    return result.result;
  }

  private process(req: SimRequest, match: RouteMatch, now: Date): Outcome {
    const { route, params } = match;
    if (params['project_id'] !== undefined && this.projectId !== undefined && params['project_id'] !== this.projectId) {
      return { result: API_NOT_FOUND(), outcome: 'rejected' };
    }
    const query = parseQuery(req.rawQuery);
    const denied = authFailure(req, query, this.auth, now);
    if (denied) return { result: denied.toResponse(), outcome: 'rejected' };
    if (!this.limiter.take(route.group, now.getTime())) return { result: throttled(), outcome: 'throttled' };

    const before: BeforeFault | undefined = this.faultInjector.before(route.kind);
    if (before?.fault === 'throttle') return { result: throttled(), outcome: 'throttled' };
    if (before?.fault === 'error') return { result: serverError(before.status), outcome: 'error' };
    if (before?.fault === 'drop-before-accept') return { result: DROP, outcome: 'dropped-before-accept' };

    this.world.advance(now);
    const response = this.run(() => route.handler({ req, params, query, now, world: this.world }));
    const succeeded = response.status >= 200 && response.status < 300;
    const outcome: OrderRequestOutcome = succeeded ? 'accepted' : response.status >= 500 ? 'error' : 'rejected';
    const after: AfterFault | undefined = this.faultInjector.after(route.kind, succeeded);
    if (after?.fault === 'drop-after-accept') return { result: DROP, outcome, answered: response, afterFault: after };
    if (after?.fault === 'error-after-accept') return { result: serverError(after.status), outcome, answered: response, afterFault: after };
    return { result: response, outcome };
  }

  private run(handler: () => SimResponse): SimResponse {
    try {
      return handler();
    } catch (error) {
      if (error instanceof ApiError) return error.toResponse();
      // A bug or a failed write to the data file: the order was not placed.
      return errorResponse(500, CODES.internal, `Internal server error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private recordOf(req: SimRequest, now: Date, o: Outcome): OrderRequestRecord {
    const parsed = parseJsonBody(req.body);
    const record: OrderRequestRecord = { at: isoTime(now), body: parsed.ok ? parsed.value : parsed.text, outcome: o.outcome };
    const final = isResponse(o.result) ? o.result : undefined;
    if (final) record.status = final.status;
    const answered = o.answered ?? final;
    const body = (answered?.body ?? {}) as Record<string, unknown>;
    if (typeof body['order_id'] === 'string') record.order_id = body['order_id'];
    const errorBody = (final?.body ?? {}) as Record<string, unknown>;
    if (typeof errorBody['error_code'] === 'string') record.error_code = errorBody['error_code'];
    if (typeof errorBody['error_msg'] === 'string') record.error_msg = errorBody['error_msg'];
    if (o.afterFault?.fault === 'drop-after-accept') record.dropped_after_accept = true;
    if (o.afterFault?.fault === 'error-after-accept') record.error_after_accept = true;
    return record;
  }

  // ---------------------------------------------------------------------------------------------
  // In-process access (tests, the admin endpoint)

  /** Accepted orders, oldest first, with their status at the simulator's now(). */
  orders(): SimulatedOrder[] {
    this.world.advance(this.clock());
    return this.world.allOrders().map((e) => this.orderView(e));
  }

  /** Every order POST received, accepted or not, oldest first. */
  requests(): OrderRequestRecord[] {
    return structuredClone(this.records);
  }

  faults(): FaultConfig {
    return this.faultInjector.get();
  }

  /** Replaces the fault configuration; throws on an invalid one. */
  setFaults(f: FaultConfig): void {
    this.faultInjector.set(f);
  }

  /** Forgets orders, resources, recorded requests and throttling state, and empties the data file; faults stay. */
  reset(): void {
    this.world.reset();
    this.records = [];
    this.limiter.reset();
  }

  /** Pays an order pending payment, as the BSS pay API does. */
  pay(orderId: string): void {
    this.world.pay(orderId, this.clock());
  }

  // Copies, so a test that edits what it got cannot change the simulated cloud.
  desktops(): DesktopDetail[] {
    return structuredClone([...this.visible().sortedDesktops()]);
  }

  pools(): DesktopPoolDetail[] {
    return structuredClone([...this.visible().pools.values()]);
  }

  bandwidths(): SubnetBandwidthDetail[] {
    return structuredClone([...this.visible().bandwidths.values()]);
  }

  eips(): EipDetail[] {
    return structuredClone([...this.visible().eips.values()]);
  }

  hosts(): ExclusiveHostDetail[] {
    return structuredClone([...this.visible().hosts.values()]);
  }

  userSharers(): UserSharerRecord[] {
    return structuredClone([...this.visible().sharers.values()]);
  }

  /** Closes the data file. */
  close(): void {
    this.world.close();
  }

  private visible() {
    this.world.advance(this.clock());
    return this.world.store;
  }

  private orderView(e: OrderEntry): SimulatedOrder {
    return {
      order_id: e.order_id,
      job_id: e.job_id,
      type: e.type,
      body: structuredClone(e.body),
      status: this.world.status(e),
      created_at: isoTime(e.created_at),
      ...(e.paid_at === undefined ? {} : { paid_at: isoTime(e.paid_at) }),
      ...(e.provisioned_at === undefined ? {} : { provisioned_at: isoTime(e.provisioned_at) }),
    };
  }
}

interface Outcome {
  result: SimResult;
  outcome: OrderRequestOutcome;
  /** What the handler answered before an after-accept fault replaced it. */
  answered?: SimResponse;
  afterFault?: AfterFault;
}
