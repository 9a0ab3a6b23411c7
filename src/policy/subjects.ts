/**
 * The variables rules see, built once per resource and per plan and shared by every policy:
 * `resource` (normalized, profile applied), `current` (its recorded state or null), `change` (its
 * planned change or null) and, at plan scope, `plan`. Each exists as plain JSON (for explanations)
 * and as CEL values (for evaluation).
 */
import type { DesiredResource } from '../desired/model.js';
import type { Change, Plan } from '../plan/types.js';
import type { Json, JsonObject, ResourceRecord } from '../state/types.js';
import { toCel } from './values.js';

export interface Variables {
  json: Record<string, Json>;
  cel: Record<string, unknown>;
}

export function resourceJson(r: Pick<DesiredResource, 'kind' | 'name' | 'labels' | 'annotations' | 'spec'> & { address?: string; profile?: string }): JsonObject {
  return {
    kind: r.kind,
    name: r.name,
    address: r.address ?? `${r.kind}/${r.name}`,
    labels: r.labels,
    annotations: r.annotations,
    spec: r.spec,
    profile: r.profile ?? null,
  };
}

/** What a rule may rely on from the recorded state; internal bookkeeping of the journal stays out. */
export function currentJson(record: ResourceRecord | undefined): JsonObject | null {
  if (!record) return null;
  return { status: record.status, spec: record.spec ?? null, cloud_id: record.cloud_id ?? null, order_ids: record.order_ids };
}

export function changeJson(change: Change | undefined): JsonObject | null {
  return change ? (change) : null;
}

export function planJson(plan: Plan): JsonObject {
  return {
    changes: plan.changes,
    orders: plan.orders.map((o) => ({ id: o.id, type: o.type, addresses: o.addresses, depends_on: o.depends_on, body: o.body })),
    summary: plan.summary,
    refreshed: plan.refreshed,
    targets: plan.targets,
  };
}

/** Converts each JSON object once, however many policies read it (tests and rebuild checks share one per run). */
export class VariableCache {
  private readonly cel = new WeakMap<object, unknown>();

  of(json: Json): unknown {
    if (json === null || typeof json !== 'object') return toCel(json);
    let value = this.cel.get(json);
    if (value === undefined) {
      value = toCel(json);
      this.cel.set(json, value);
    }
    return value;
  }
}

export function variables(parts: Record<string, Json>, params: { json: JsonObject; cel: unknown }, cache: VariableCache): Variables {
  const cel: Record<string, unknown> = { params: params.cel };
  for (const [k, v] of Object.entries(parts)) cel[k] = cache.of(v);
  return { json: { ...parts, params: params.json }, cel };
}
