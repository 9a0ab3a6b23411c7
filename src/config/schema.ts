/** The shape of workspace-gitops.yaml (design §2). Secrets are not part of it: they come from the environment. */
import { Type, type Static } from '@sinclair/typebox';
import { EnterpriseProjectId, PERIOD_NUM_MAX, StringEnum, DOMAIN_TYPES } from '../workspace/order-schema.js';

export const BillingSchema = Type.Object(
  {
    period_type: Type.Optional(StringEnum(['month', 'year'] as const, { 'x-rule': 'period-type' })),
    period_num: Type.Optional(
      Type.Integer({ minimum: 1, maximum: PERIOD_NUM_MAX.month, 'x-rule': 'period-num', 'x-allowed': `1-${PERIOD_NUM_MAX.month} months or 1-${PERIOD_NUM_MAX.year} years` }),
    ),
    is_auto_renew: Type.Optional(Type.Boolean({ 'x-rule': 'is-auto-renew', 'x-allowed': 'true or false' })),
    is_auto_pay: Type.Optional(Type.Boolean({ 'x-rule': 'is-auto-pay', 'x-allowed': 'true or false' })),
  },
  { additionalProperties: false },
);
export type BillingInput = Static<typeof BillingSchema>;

const Url = Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', 'x-rule': 'url', 'x-allowed': 'an http(s) URL' });

export const ConfigFile = Type.Object(
  {
    region: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$', 'x-rule': 'region', 'x-allowed': 'a region id such as cn-north-4 or ap-southeast-1' })),
    project_id: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$', 'x-rule': 'project-id', 'x-allowed': '32 lowercase hex characters' })),
    enterprise_project_id: Type.Optional(EnterpriseProjectId),
    desired_state: Type.Optional(Type.String({ minLength: 1, 'x-rule': 'folder', 'x-allowed': 'a folder relative to this file' })),
    policies: Type.Optional(Type.String({ minLength: 1, 'x-rule': 'folder', 'x-allowed': 'a folder relative to this file' })),
    state: Type.Optional(Type.String({ minLength: 1, 'x-rule': 'state-location', 'x-allowed': 'file:PATH or postgres://…' })),
    endpoint: Type.Optional(Url),
    bss_endpoint: Type.Optional(Url),
    billing: Type.Optional(BillingSchema),
    domain_type: Type.Optional(StringEnum(DOMAIN_TYPES, { 'x-rule': 'domain-type' })),
  },
  { additionalProperties: false },
);
export type ConfigFile = Static<typeof ConfigFile>;
