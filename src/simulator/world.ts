/**
 * The simulated tenant: its orders (with their billing state) and its resources. Orders are placed
 * and paid here, persisted before they count, and provisioned lazily: whoever reads calls advance(now)
 * first, which makes visible every paid order whose provisioning time has come, in payment order.
 */
import type { DomainType, OrderBody, OrderType } from '../workspace/order-schema.js';
import { ApiError, CODES } from './api-error.js';
import { firstConflict } from './business-rules.js';
import { effectsOf, type Effect } from './effects.js';
import { isoTime, newJobId, newOrderId } from './ids.js';
import type { EventSink, PersistedOrder, SimEvent } from './persistence.js';
import { Store } from './store.js';
import { BSS_STATUS } from './types.js';

export interface OrderEntry {
  order_id: string;
  job_id: string;
  type: OrderType;
  body: OrderBody;
  created_at: Date;
  paid_at?: Date;
  provisioned_at?: Date;
  effects: Effect[];
}

function entryOf(o: PersistedOrder, effects: Effect[]): OrderEntry {
  const { paid_at, created_at, ...rest } = o;
  return { ...rest, created_at: new Date(created_at), ...(paid_at === undefined ? {} : { paid_at: new Date(paid_at) }), effects };
}

export interface WorldOptions {
  domainType: DomainType;
  provisionDelayMs: number;
  sink: EventSink;
}

export class World {
  readonly domainType: DomainType;
  store = new Store();
  private readonly provisionDelayMs: number;
  private readonly sink: EventSink;
  private orders: OrderEntry[] = [];
  private byId = new Map<string, OrderEntry>();
  private byJob = new Map<string, OrderEntry>();
  /** Paid and not yet provisioned, in payment order. */
  private queue: OrderEntry[] = [];

  constructor(options: WorldOptions) {
    this.domainType = options.domainType;
    this.provisionDelayMs = options.provisionDelayMs;
    this.sink = options.sink;
  }

  /** Rebuilds the tenant from the event log; each event's position is given for error messages. */
  replay(events: readonly SimEvent[], where: (index: number) => string): void {
    events.forEach((e, i) => {
      try {
        this.replayOne(e);
      } catch (error) {
        throw new Error(`${where(i)}: cannot be replayed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    });
  }

  private replayOne(e: SimEvent): void {
    if (e.event === 'reset') return this.forget();
    if (e.event === 'pay') {
      const entry = this.byId.get(e.order_id);
      if (!entry) throw new Error(`payment for unknown order ${e.order_id}`);
      if (entry.paid_at === undefined) this.markPaid(entry, new Date(e.at));
      return;
    }
    this.record(entryOf(e.order, effectsOf(e.order.body, e.order.order_id)));
  }

  /**
   * Places a valid order: checks the business rules, persists it, then makes it count. Throws ApiError
   * on a broken rule; a persistence failure propagates, and then nothing was placed.
   */
  accept(body: OrderBody, now: Date): OrderEntry {
    const orderId = newOrderId(now, (id) => this.byId.has(id));
    const effects = effectsOf(body, orderId);
    const problem = firstConflict(effects, this.store);
    if (problem) throw problem;
    const autoPay = body.extend_param?.is_auto_pay === 'true';
    const persisted: PersistedOrder = { order_id: orderId, job_id: newJobId(), type: body.type, body, created_at: isoTime(now), ...(autoPay ? { paid_at: isoTime(now) } : {}) };
    this.sink.append({ event: 'order', order: persisted });
    const entry = entryOf(persisted, effects);
    this.record(entry);
    return entry;
  }

  /** Pays an order pending payment (BSS pay). */
  pay(orderId: string, now: Date): void {
    const entry = this.byId.get(orderId);
    if (!entry) throw new ApiError(404, CODES.orderNotFound, `order ${orderId} does not exist`);
    if (entry.paid_at !== undefined) {
      throw new ApiError(400, CODES.orderNotPending, `order ${orderId} is not pending payment (status ${this.status(entry)}); it was paid at ${isoTime(entry.paid_at)}`);
    }
    this.sink.append({ event: 'pay', order_id: orderId, at: isoTime(now) });
    this.markPaid(entry, now);
  }

  /** Provisions every paid order whose time has come. */
  advance(now: Date): void {
    const t = now.getTime();
    for (let head = this.queue[0]; head?.paid_at !== undefined; head = this.queue[0]) {
      const at = new Date(head.paid_at.getTime() + this.provisionDelayMs);
      if (at.getTime() > t) return;
      this.queue.shift();
      this.store.provision(head.effects, at);
      head.provisioned_at = at;
    }
  }

  /** BSS status: 6 pending payment, 3 processing (paid, not yet provisioned), 5 completed. */
  status(entry: OrderEntry): number {
    if (entry.paid_at === undefined) return BSS_STATUS.pendingPayment;
    return entry.provisioned_at === undefined ? BSS_STATUS.processing : BSS_STATUS.completed;
  }

  allOrders(): readonly OrderEntry[] {
    return this.orders;
  }

  order(orderId: string): OrderEntry | undefined {
    return this.byId.get(orderId);
  }

  orderOfJob(jobId: string): OrderEntry | undefined {
    return this.byJob.get(jobId);
  }

  /** Forgets everything and empties the data file. */
  reset(): void {
    this.sink.truncate();
    this.forget();
  }

  close(): void {
    this.sink.close();
  }

  private record(entry: OrderEntry): void {
    this.orders.push(entry);
    this.byId.set(entry.order_id, entry);
    this.byJob.set(entry.job_id, entry);
    this.store.claim(entry.effects);
    if (entry.paid_at !== undefined) this.queue.push(entry);
  }

  private markPaid(entry: OrderEntry, at: Date): void {
    entry.paid_at = at;
    this.queue.push(entry);
  }

  private forget(): void {
    this.store = new Store();
    this.orders = [];
    this.byId = new Map();
    this.byJob = new Map();
    this.queue = [];
  }
}
