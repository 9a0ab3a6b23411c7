/**
 * Order parts → orders with the exact request body of the order API page. Parts that share a
 * configuration and billing are batched (at most 50 desktops per order); every order gets a
 * deterministic id bound to the recorded state it was planned from.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../state/canonical.js';
import type { IntentTarget, Json, JsonObject } from '../state/types.js';
import { MAX_DESKTOPS_PER_ORDER, PERIOD_TYPE, type OrderBody } from '../workspace/order-schema.js';
import { compareAddresses } from '../desired/kinds.js';
import { BATCH_LIST_FIELD, type OrderPart } from './parts.js';
import type { PlannedOrder } from './types.js';

export interface OrderIdentity {
  /** Recorded state the orders are planned from: a re-plan after any state write yields new ids. */
  lineage: string;
  serial: number;
}

function batchKey(p: OrderPart): string {
  if (BATCH_LIST_FIELD[p.type] === undefined || p.item === undefined) return `single:${p.address}`;
  return canonicalJson({ type: p.type, shared: p.shared, billing: p.billing ?? null, autoPay: p.autoPay, ep: p.enterpriseProjectId });
}

function buildBody(parts: readonly OrderPart[]): OrderBody {
  const first = parts[0]!;
  const listField = BATCH_LIST_FIELD[first.type];
  const request: JsonObject = listField !== undefined && first.item !== undefined ? { ...first.shared, [listField]: parts.map((p) => p.item as Json) } : first.shared;
  const resource: JsonObject = {};
  if (first.billing) {
    resource['period_type'] = PERIOD_TYPE[first.billing.period_type];
    resource['period_num'] = first.billing.period_num;
    resource['is_auto_renew'] = first.billing.is_auto_renew ? 1 : 0;
  }
  resource[first.requestField] = request;
  return {
    type: first.type,
    enterprise_project_id: first.enterpriseProjectId,
    resources: [resource],
    extend_param: { is_auto_pay: first.autoPay ? 'true' : 'false' },
  };
}

export function orderId(type: string, addresses: readonly string[], body: OrderBody, identity: OrderIdentity): string {
  const material = canonicalJson({ type, addresses: [...addresses], body: body as unknown as Json, lineage: identity.lineage, serial: identity.serial });
  return `ord-${createHash('sha256').update(material).digest('hex').slice(0, 24)}`;
}

/** Groups parts into orders, in a deterministic, dependency-respecting order (by kind, then address). */
export function buildOrders(parts: readonly OrderPart[], identity: OrderIdentity): PlannedOrder[] {
  const groups = new Map<string, OrderPart[]>();
  for (const p of parts) {
    const key = batchKey(p);
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  const orders: PlannedOrder[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => compareAddresses(a.address, b.address));
    for (let i = 0; i < group.length; i += MAX_DESKTOPS_PER_ORDER) {
      const chunk = group.slice(i, i + MAX_DESKTOPS_PER_ORDER);
      const addresses = chunk.map((p) => p.address);
      const body = buildBody(chunk);
      const targets: Record<string, IntentTarget> = {};
      for (const p of chunk) targets[p.address] = p.target;
      orders.push({ id: orderId(chunk[0]!.type, addresses, body, identity), type: chunk[0]!.type, addresses, body, targets, depends_on: [] });
    }
  }
  // Kinds are ranked so that what others reference comes first (bandwidth, hosts, pools, desktops, internet access …).
  orders.sort((a, b) => compareAddresses(a.addresses[0]!, b.addresses[0]!) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return orders;
}
