/**
 * The plan: what would change, which orders close the gap, and what the plan is bound to. Its JSON is a
 * stable contract (`format_version`); this TypeBox schema is its single source of truth, exported to
 * schemas/plan.schema.json and documented in docs/plan-format.md.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { JsonObject } from '../state/types.js';
import type { OrderBody } from '../workspace/order-schema.js';
import { ORDER_TYPES, StringEnum } from '../workspace/order-schema.js';
import type { DesktopDetail, DesktopPoolDetail, EipDetail, ExclusiveHostDetail, SubnetBandwidthDetail } from '../workspace/types.js';

export const PLAN_FORMAT_VERSION = 1;

const JsonValue = Type.Unsafe<JsonObject[string]>({ description: 'any JSON value' });
const OrderTypeSchema = StringEnum(ORDER_TYPES);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ActionSchema = StringEnum(['create', 'update', 'no-op', 'blocked'] as const);
export type Action = Static<typeof ActionSchema>;

export const FieldDiffSchema = Type.Object(
  {
    path: Type.String({ description: 'dotted path; list members keyed by their name (tags by key, users by user_id)' }),
    op: StringEnum(['add', 'remove', 'change'] as const),
    before: Type.Optional(JsonValue),
    after: Type.Optional(JsonValue),
  },
  { additionalProperties: false },
);
export type FieldDiff = Static<typeof FieldDiffSchema>;

export const ChangeSchema = Type.Object(
  {
    address: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    action: ActionSchema,
    operation: Nullable(OrderTypeSchema),
    reason: Type.String(),
    diff: Type.Array(FieldDiffSchema),
    orders: Type.Array(Type.String(), { description: 'ids of the planned orders that carry this change' }),
    file: Type.Optional(Type.String()),
    line: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type Change = Static<typeof ChangeSchema>;

const IntentTargetSchema = Type.Object(
  { kind: Type.String(), name: Type.String(), spec: Type.Unsafe<JsonObject>({ type: 'object' }), spec_hash: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);

export const PlannedOrderSchema = Type.Object(
  {
    id: Type.String({ pattern: '^ord-[0-9a-f]{24}$' }),
    type: OrderTypeSchema,
    addresses: Type.Array(Type.String(), { minItems: 1 }),
    // The envelope only: the request objects are checked by the order API's own schema (workspace/order-schema.ts).
    body: Type.Unsafe<OrderBody>({
      type: 'object',
      required: ['type', 'resources'],
      properties: {
        type: OrderTypeSchema,
        enterprise_project_id: { type: 'string' },
        resources: { type: 'array', minItems: 1, items: { type: 'object' } },
        extend_param: { type: 'object', properties: { is_auto_pay: { type: 'string', enum: ['true', 'false'] } } },
      },
      description: 'the exact request body of POST /v2/{project_id}/periodic/subscribe/order',
    }),
    targets: Type.Record(Type.String(), IntentTargetSchema),
    depends_on: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type PlannedOrder = Static<typeof PlannedOrderSchema>;

export const DriftSchema = Type.Object(
  {
    address: Type.String(),
    kind: StringEnum(['missing', 'changed', 'unrecorded'] as const),
    fields: Type.Array(FieldDiffSchema),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type Drift = Static<typeof DriftSchema>;
export type DriftKind = Drift['kind'];

export const PlanBindingSchema = Type.Object(
  {
    desired_digest: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    git_revision: Nullable(Type.String()),
    policies_digest: Nullable(Type.String()),
    state_lineage: Type.String(),
    state_serial: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type PlanBinding = Static<typeof PlanBindingSchema>;

export const PlanSummarySchema = Type.Object(
  {
    create: Type.Integer({ minimum: 0 }),
    update: Type.Integer({ minimum: 0 }),
    no_op: Type.Integer({ minimum: 0 }),
    blocked: Type.Integer({ minimum: 0 }),
    orders: Type.Integer({ minimum: 0 }),
    drift: Type.Integer({ minimum: 0 }),
    desktops_ordered: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type PlanSummary = Static<typeof PlanSummarySchema>;

export const PolicyViolationSchema = Type.Object(
  {
    policy: Type.String(),
    rule: Type.String(),
    enforcement: StringEnum(['deny', 'warn', 'audit'] as const),
    address: Nullable(Type.String()),
    message: Type.String(),
    file: Nullable(Type.String()),
    line: Nullable(Type.Integer({ minimum: 1 })),
    column: Type.Optional(Type.Integer({ minimum: 1, description: 'column of the failing value (or of the rule, for plan scope)' })),
    values: Type.Optional(Type.Record(Type.String(), JsonValue, { description: 'what the rule read, by path (e.g. resource.spec.image_id), when it failed' })),
    exempted_by: Type.Optional(Type.String({ description: 'the PolicyExemption that covers this violation; exempted violations never deny' })),
  },
  { additionalProperties: false },
);
export type PolicyViolationJson = Static<typeof PolicyViolationSchema>;

export const PolicyReportSchema = Type.Object(
  {
    evaluated: Type.Integer({ minimum: 0 }),
    violations: Type.Array(PolicyViolationSchema),
    denied: Type.Boolean(),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type PolicyReportJson = Static<typeof PolicyReportSchema>;

export const PlanSchema = Type.Object(
  {
    format_version: Type.Literal(PLAN_FORMAT_VERSION),
    created_at: Type.String({ format: 'date-time' }),
    bound_to: PlanBindingSchema,
    targets: Type.Array(Type.String()),
    refreshed: Type.Boolean(),
    changes: Type.Array(ChangeSchema),
    orders: Type.Array(PlannedOrderSchema),
    drift: Type.Array(DriftSchema),
    policy: PolicyReportSchema,
    summary: PlanSummarySchema,
  },
  { additionalProperties: false, $id: 'https://workspace-gitops.dev/schemas/plan.schema.json', title: 'workspace-gitops plan' },
);
export type Plan = Static<typeof PlanSchema>;

/** What the read APIs showed, for --refresh. */
export interface LiveState {
  desktops: DesktopDetail[];
  pools: DesktopPoolDetail[];
  bandwidths: SubnetBandwidthDetail[];
  eips: EipDetail[];
  hosts: ExclusiveHostDetail[];
  /** BSS status of orders still waiting (by order id), for resources no read API shows. */
  orderStatus: Record<string, number>;
}

export type { JsonObject };
