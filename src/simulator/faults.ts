/**
 * Fault injection: what goes wrong with a request, decided before it is processed (throttle, 5xx, drop)
 * or after an order was accepted (drop the connection or answer 5xx although the order exists).
 * One-shot faults are consumed first-in first-out by the next matching request; rates draw on the
 * injected random source, and only for rates above zero, so a test's sequence of draws is predictable.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../workspace/order-schema.js';
import { compile } from '../validation/ajv.js';
import { problemsFromAjv } from '../validation/problems.js';
import { problemMessage } from './api-error.js';

const Rate = Type.Number({ minimum: 0, maximum: 1, 'x-rule': 'fault-rate', 'x-allowed': 'a fraction from 0 to 1' });

export const OneShotFault = Type.Object(
  {
    on: StringEnum(['order', 'read', 'any'] as const, { 'x-rule': 'fault-on' }),
    fault: StringEnum(['drop-after-accept', 'error-after-accept', 'error', 'throttle', 'drop-before-accept'] as const, { 'x-rule': 'fault' }),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, 'x-rule': 'fault-status', 'x-allowed': 'an HTTP status 400-599' })),
  },
  { additionalProperties: false },
);
export type OneShotFault = Static<typeof OneShotFault>;

export const FaultConfigSchema = Type.Object(
  {
    /** Added before answering every API request. */
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, 'x-rule': 'latency', 'x-allowed': '0-600000 ms' })),
    /** Fraction of API requests answered 500/502/503 without doing anything. */
    errorRate: Type.Optional(Rate),
    /** Fraction of API requests answered 429 APIGW.0308. */
    throttleRate: Type.Optional(Rate),
    /** Fraction of order POSTs accepted (order exists, persisted) and then dropped without a response. */
    dropAfterAcceptRate: Type.Optional(Rate),
    /** Fraction of order POSTs accepted and then answered 500 (the caller cannot know it was placed). */
    errorAfterAcceptRate: Type.Optional(Rate),
    /** One-shot faults consumed in order by the next matching requests (deterministic, for tests). */
    next: Type.Optional(Type.Array(OneShotFault)),
  },
  { additionalProperties: false },
);
export type FaultConfig = Static<typeof FaultConfigSchema>;

/** Problems with a fault configuration, as readable lines; empty when valid. */
export function faultConfigProblems(value: unknown): string[] {
  const validate = compile<FaultConfig>(FaultConfigSchema);
  return validate(value) ? [] : problemsFromAjv(validate.errors).map(problemMessage);
}

/** `order`: the order POST; `read`: GET requests; `other`: anything else (the BSS pay POST), matched only by `any`. */
export type RequestKind = 'order' | 'read' | 'other';

export type BeforeFault = { fault: 'error'; status: number } | { fault: 'throttle' } | { fault: 'drop-before-accept' };
export type AfterFault = { fault: 'error-after-accept'; status: number } | { fault: 'drop-after-accept' };

const RANDOM_ERROR_STATUSES = [500, 502, 503] as const;

function isAfterFault(f: OneShotFault): boolean {
  return f.fault === 'drop-after-accept' || f.fault === 'error-after-accept';
}

function matches(f: OneShotFault, kind: RequestKind): boolean {
  return f.on === 'any' || f.on === kind;
}

export class FaultInjector {
  private config: FaultConfig = {};
  private queue: OneShotFault[] = [];

  constructor(
    config: FaultConfig | undefined,
    private readonly random: () => number,
  ) {
    this.set(config ?? {});
  }

  /** Replaces the configuration (and the one-shot queue). Throws on an invalid configuration. */
  set(config: FaultConfig): void {
    const problems = faultConfigProblems(config);
    if (problems.length > 0) throw new Error(`invalid fault configuration: ${problems.join('; ')}`);
    const { next, ...rest } = config;
    this.config = rest;
    this.queue = [...(next ?? [])];
  }

  /** The configuration in force, with the one-shot faults not yet consumed. */
  get(): FaultConfig {
    return this.queue.length > 0 ? { ...this.config, next: [...this.queue] } : { ...this.config };
  }

  get latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  /** What happens to a request before it does anything. */
  before(kind: RequestKind): BeforeFault | undefined {
    const i = this.queue.findIndex((f) => matches(f, kind));
    const queued = this.queue[i];
    if (queued && !isAfterFault(queued)) {
      this.queue.splice(i, 1);
      if (queued.fault === 'throttle') return { fault: 'throttle' };
      if (queued.fault === 'drop-before-accept') return { fault: 'drop-before-accept' };
      return { fault: 'error', status: queued.status ?? 500 };
    }
    if (this.draw(this.config.throttleRate)) return { fault: 'throttle' };
    if (this.draw(this.config.errorRate)) {
      const pick = Math.min(RANDOM_ERROR_STATUSES.length - 1, Math.floor(this.random() * RANDOM_ERROR_STATUSES.length));
      return { fault: 'error', status: RANDOM_ERROR_STATUSES[pick]! };
    }
    return undefined;
  }

  /**
   * What happens once a request succeeded (an order accepted, a read answered 2xx). A queued after-accept
   * fault waits for a request that succeeds: a rejected order leaves it in the queue.
   */
  after(kind: RequestKind, succeeded: boolean): AfterFault | undefined {
    if (!succeeded) return undefined;
    const i = this.queue.findIndex((f) => matches(f, kind));
    const queued = this.queue[i];
    if (queued && isAfterFault(queued)) {
      this.queue.splice(i, 1);
      return queued.fault === 'drop-after-accept' ? { fault: 'drop-after-accept' } : { fault: 'error-after-accept', status: queued.status ?? 500 };
    }
    if (kind !== 'order') return undefined;
    if (this.draw(this.config.dropAfterAcceptRate)) return { fault: 'drop-after-accept' };
    if (this.draw(this.config.errorAfterAcceptRate)) return { fault: 'error-after-accept', status: 500 };
    return undefined;
  }

  private draw(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }
}
