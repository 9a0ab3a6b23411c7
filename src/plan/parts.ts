/** An order part: one resource's share of an order, before parts with the same configuration are batched. */
import type { IntentTarget, JsonObject, Json } from '../state/types.js';
import type { OrderType, RequestObjectName } from '../workspace/order-schema.js';
import type { NormalizedBilling } from '../desired/normalize.js';

export interface OrderPart {
  type: OrderType;
  address: string;
  /** The request object this part fills (`create_desktops`, `add_volumes` …). */
  requestField: RequestObjectName;
  /** The request object, or for batchable parts its shared configuration. */
  shared: JsonObject;
  /** For batchable parts: this resource's member of the batch list (a desktops[] entry, a desktop id). */
  item?: Json;
  /** Subscription period, for orders that start a subscription. */
  billing?: NormalizedBilling;
  autoPay: boolean;
  enterpriseProjectId: string;
  /** What the recorded state becomes once the order is placed. */
  target: IntentTarget;
}

/** The list field of the request object that batch members go into. */
export const BATCH_LIST_FIELD: Partial<Record<OrderType, string>> = {
  createDesktops: 'desktops',
  rebuildDesktops: 'desktop_ids',
};
