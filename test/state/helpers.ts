/** Builders and a fake clock shared by the state tests. */
import type { JsonObject, OrderIntent, OrderOutcome, OrderResolution, ResourceRecord, StateSnapshot } from '../../src/state/index.js';
import { specHash } from '../../src/state/index.js';

export const T0 = Date.parse('2025-03-01T08:00:00.000Z');

/** A clock that only moves when slept on (or advanced), recording every sleep. */
export function fakeClock(start = T0) {
  let t = start;
  const sleeps: number[] = [];
  let onSleep: ((ms: number) => Promise<void> | void) | undefined;
  return {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
      await onSleep?.(ms);
    },
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
    onSleep: (fn: (ms: number) => Promise<void> | void) => {
      onSleep = fn;
    },
  };
}
export type FakeClock = ReturnType<typeof fakeClock>;

export function iso(offsetMs: number): string {
  return new Date(T0 + offsetMs).toISOString();
}

export function desktopSpec(name: string, size = 80): JsonObject {
  return { product_id: 'workspace.k.xlarge2.uosv20pro', root_volume: { type: 'SAS', size }, computer_name: name };
}

export function intent(id: string, addresses: string[], options: { at?: string; autoPay?: boolean; size?: number } = {}): OrderIntent {
  const targets: OrderIntent['targets'] = {};
  for (const address of addresses) {
    const [kind = 'Desktop', name = address] = address.split('/');
    const spec = desktopSpec(name, options.size);
    targets[address] = { kind, name, spec, spec_hash: specHash(spec) };
  }
  return {
    kind: 'intent',
    id,
    type: 'createDesktops',
    addresses,
    body: {
      type: 'createDesktops',
      resources: [{ period_type: 2, period_num: 1, is_auto_renew: 1 }],
      ...(options.autoPay === undefined ? {} : { extend_param: { is_auto_pay: options.autoPay ? 'true' : 'false' } }),
    },
    targets,
    at: options.at ?? iso(0),
  };
}

export function outcome(intentId: string, result: OrderOutcome['result'], options: { at?: string; orderId?: string } = {}): OrderOutcome {
  return {
    kind: 'outcome',
    intent_id: intentId,
    result,
    ...(options.orderId === undefined ? {} : { order_id: options.orderId }),
    ...(result === 'failed' ? { error: { status: 400, code: 'WKS.0001', message: 'bad request' } } : {}),
    at: options.at ?? iso(1000),
  };
}

export function resolution(intentId: string, placed: boolean, options: { at?: string; orderId?: string } = {}): OrderResolution {
  return {
    kind: 'resolution',
    intent_id: intentId,
    placed,
    ...(options.orderId === undefined ? {} : { order_id: options.orderId }),
    by: 'operator',
    evidence: placed ? 'seen in the console' : 'no order in BSS since the intent',
    at: options.at ?? iso(2000),
  };
}

export function record(address: string, overrides: Partial<ResourceRecord> = {}): ResourceRecord {
  const [kind = 'Desktop', name = address] = address.split('/');
  const spec = desktopSpec(name);
  return {
    address,
    kind,
    name,
    spec,
    spec_hash: specHash(spec),
    status: 'active',
    order_ids: ['CS0000000001'],
    cloud_id: `desktop-${name}`,
    created_at: iso(-86_400_000),
    updated_at: iso(-86_400_000),
    ...overrides,
  };
}

export function snapshotOf(records: ResourceRecord[], options: { lineage?: string; serial?: number } = {}): StateSnapshot {
  return {
    format_version: 1,
    lineage: options.lineage ?? 'lineage-1',
    serial: options.serial ?? 1,
    resources: Object.fromEntries(records.map((r) => [r.address, r])),
  };
}

/** n desktops with realistic, varied fields: what a large estate's state file holds. */
export function bigSnapshot(n: number, options: { lineage?: string; serial?: number } = {}): StateSnapshot {
  const records: ResourceRecord[] = [];
  for (let i = 0; i < n; i += 1) {
    const name = `desk-${String(i).padStart(5, '0')}`;
    const spec: JsonObject = {
      ...desktopSpec(name, 80 + (i % 10) * 10),
      data_volumes: [{ type: 'SAS', size: 100 }],
      nics: [{ subnet_id: '197c1aa4-2611-48bd-a3af-ac4ce2c17c4c' }],
      user: { user_name: `user${i}`, user_email: `user${i}@example.com`, user_group: 'users' },
      tags: [{ key: 'team', value: `team-${i % 17}` }],
    };
    records.push(
      record(`Desktop/${name}`, {
        spec,
        spec_hash: specHash(spec),
        order_ids: [`CS${String(1_000_000 + i)}`],
        cloud_id: `0c2f${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-000000000000`,
      }),
    );
  }
  return snapshotOf(records, options);
}
