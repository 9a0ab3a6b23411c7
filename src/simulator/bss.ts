/** The BSS order APIs: list and show customer orders, and pay one (reference §2). */
import { Type } from '@sinclair/typebox';
import { StringEnum } from '../workspace/order-schema.js';
import { compile } from '../validation/ajv.js';
import { problemsFromAjv } from '../validation/problems.js';
import type { CustomerOrder } from '../workspace/types.js';
import { ApiError, CODES, problemsError } from './api-error.js';
import { ok, type RouteContext } from './context.js';
import { bssTime } from './ids.js';
import { parseJsonBody } from './ordering.js';
import { intParam, page, param } from './query.js';
import type { SimResponse } from './types.js';
import type { OrderEntry, World } from './world.js';

export const WORKSPACE_SERVICE_TYPE = 'hws.service.type.workspace';
export const BSS_MAX_LIMIT = 100;
/** BSS pages ten orders unless asked for more. */
export const BSS_DEFAULT_LIMIT = 10;

const ORDER_TYPE = { create: 1, change: 3 } as const;
const CHANGE_TYPES = new Set(['addVolumes', 'rebuildDesktops', 'expandDesktopPool']);

/** Change orders (3) modify what exists; a resize of exclusive hosts is one too, although it rides on createExclusiveHosts. */
function orderTypeOf(entry: OrderEntry): number {
  if (CHANGE_TYPES.has(entry.type)) return ORDER_TYPE.change;
  const allResize = entry.body.resources.every((r) => r.resize_exclusive_lites !== undefined && r.create_exclusive_hosts === undefined);
  return allResize ? ORDER_TYPE.change : ORDER_TYPE.create;
}

export function customerOrder(world: World, entry: OrderEntry): CustomerOrder {
  return {
    order_id: entry.order_id,
    status: world.status(entry),
    order_type: orderTypeOf(entry),
    service_type_code: WORKSPACE_SERVICE_TYPE,
    create_time: bssTime(entry.created_at),
    ...(entry.paid_at === undefined ? {} : { payment_time: bssTime(entry.paid_at) }),
  };
}

const BSS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function timeParam(ctx: RouteContext, name: string): number | undefined {
  const raw = param(ctx.query, name);
  if (raw === undefined) return undefined;
  const t = BSS_TIME.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(t)) throw new ApiError(400, CODES.bssParameter, `query parameter ${name}: "${raw}" is not a UTC time (allowed: YYYY-MM-DDTHH:mm:ssZ)`);
  return t;
}

/** Newest first; the time range is inclusive and compared to the second, as BSS shows times. */
export function listCustomerOrders(ctx: RouteContext): SimResponse {
  const q = ctx.query;
  const begin = timeParam(ctx, 'create_time_begin');
  const end = timeParam(ctx, 'create_time_end');
  const status = intParam(q, 'status', { min: 1, max: 99 }, CODES.bssParameter);
  const orderType = intParam(q, 'order_type', { min: 1, max: 99 }, CODES.bssParameter);
  const orderId = param(q, 'order_id');
  const service = param(q, 'service_type_code');
  const all = ctx.world
    .allOrders()
    .map((e) => customerOrder(ctx.world, e))
    .filter((o) => {
      const t = Date.parse(o.create_time);
      return (
        (begin === undefined || t >= begin) &&
        (end === undefined || t <= end) &&
        (status === undefined || o.status === status) &&
        (orderType === undefined || o.order_type === orderType) &&
        (orderId === undefined || o.order_id === orderId) &&
        (service === undefined || o.service_type_code === service)
      );
    })
    .reverse();
  return ok({ total_count: all.length, order_infos: page(all, q, { max: BSS_MAX_LIMIT, default: BSS_DEFAULT_LIMIT, code: CODES.bssParameter }) });
}

function lineItems(entry: OrderEntry): Record<string, unknown>[] {
  return entry.body.resources.map((r, i) => {
    const request = Object.keys(r).find((k) => k !== 'period_type' && k !== 'period_num' && k !== 'is_auto_renew');
    return {
      order_line_item_id: `${entry.order_id}-${i + 1}`,
      service_type_code: WORKSPACE_SERVICE_TYPE,
      ...(request === undefined ? {} : { resource_type_code: request }),
      ...(r.period_type === undefined ? {} : { period_type: r.period_type }),
      ...(r.period_num === undefined ? {} : { period_num: r.period_num }),
      subscription_num: 1,
    };
  });
}

export function showCustomerOrder(ctx: RouteContext): SimResponse {
  const id = ctx.params['order_id'] ?? '';
  const entry = ctx.world.order(id);
  if (!entry) throw new ApiError(404, CODES.orderNotFound, `order ${id} does not exist`);
  const items = lineItems(entry);
  return ok({ order_info: customerOrder(ctx.world, entry), order_line_items: page(items, ctx.query, { max: BSS_MAX_LIMIT, code: CODES.bssParameter }), total_count: items.length });
}

const YesNo = StringEnum(['YES', 'NO'] as const, { 'x-rule': 'yes-no' });
const PayBody = Type.Object(
  {
    order_id: Type.String({ minLength: 1, maxLength: 64, 'x-rule': 'order-id', 'x-allowed': 'an order id' }),
    use_coupon: YesNo,
    use_discount: YesNo,
    coupon_infos: Type.Optional(Type.Array(Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: true }), { maxItems: 3 })),
    discount_infos: Type.Optional(Type.Array(Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: true }), { maxItems: 1 })),
  },
  { additionalProperties: false },
);

/** POST /v3/orders/customer-orders/pay → 204 with no body. */
export function payOrder(ctx: RouteContext): SimResponse {
  const parsed = parseJsonBody(ctx.req.body);
  if (!parsed.ok) throw new ApiError(400, CODES.bssParameter, `the request body is not valid JSON: ${parsed.reason}`);
  const validate = compile<{ order_id: string }>(PayBody);
  if (!validate(parsed.value)) throw problemsError(CODES.bssParameter, problemsFromAjv(validate.errors));
  ctx.world.pay(parsed.value.order_id, ctx.now);
  return { status: 204 };
}
