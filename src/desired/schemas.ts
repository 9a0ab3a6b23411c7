/**
 * JSON Schemas (TypeBox) of every desired-state kind: the single source of truth for their shape.
 * `spec` fields are composed from the order API's own request objects (workspace/order-schema.ts), so a
 * limit is written once and enforced identically here and by the simulator.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { BillingSchema } from '../config/schema.js';
import {
  BandwidthName,
  BandwidthSize,
  ComputerName,
  CreateExclusiveHostsReq,
  DesktopConfigFields,
  EIP_CHARGE_MODES,
  EIP_TYPES,
  Email,
  EnterpriseProjectId,
  HostName,
  Phone,
  PoolConfigFields,
  PREPAID_SUBNET_CHARGE_MODES,
  StringEnum,
  SubscribeUserSharerReq,
  UserGroup,
  UserName,
  CloudId,
  type DomainType,
} from '../workspace/order-schema.js';
import { API_VERSION, RESOURCE_KINDS } from './kinds.js';

const NAME_PATTERN = '^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$';
export const ResourceName = Type.String({
  pattern: NAME_PATTERN,
  'x-rule': 'name',
  'x-allowed': '1-253 letters, digits, dots, hyphens and underscores, starting and ending with a letter or digit',
});

export const LABEL_KEY_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LabelValue = Type.String({
  pattern: '^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$',
  'x-rule': 'label-value',
  'x-allowed': 'up to 63 letters, digits, dots, hyphens and underscores, starting and ending with a letter or digit',
});

export const Metadata = Type.Object(
  {
    name: ResourceName,
    labels: Type.Optional(Type.Record(Type.String(), LabelValue)),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 4096, 'x-rule': 'annotation-value', 'x-allowed': 'at most 4096 characters' }))),
  },
  { additionalProperties: false },
);

export const Envelope = Type.Object(
  {
    apiVersion: Type.String({ const: API_VERSION, 'x-rule': 'api-version', 'x-allowed': API_VERSION }),
    kind: StringEnum(RESOURCE_KINDS, { 'x-rule': 'unknown-kind' }),
    metadata: Metadata,
    spec: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: false },
);
export type Envelope = Static<typeof Envelope>;

const ProfileRef = Type.String({ pattern: NAME_PATTERN, 'x-rule': 'profile-name', 'x-allowed': 'the metadata.name of a DesktopProfile' });
const Billing = Type.Optional(BillingSchema);

export function DesktopUser(domainType: DomainType) {
  return Type.Object(
    { user_name: UserName(domainType), user_email: Type.Optional(Email), user_phone: Type.Optional(Phone), user_group: Type.Optional(UserGroup) },
    { additionalProperties: false },
  );
}

function desktopSpecFields(domainType: DomainType) {
  // desktop_ips assigns addresses to a whole batch; one address per declared desktop would defeat batching.
  const { desktop_ips: _ips, ...config } = DesktopConfigFields();
  return {
    profile: Type.Optional(ProfileRef),
    ...config,
    computer_name: Type.Optional(ComputerName),
    os_host_name: Type.Optional(Type.String({ minLength: 1, maxLength: 63, 'x-rule': 'os-host-name', 'x-allowed': '1-63 characters' })),
    user: Type.Optional(DesktopUser(domainType)),
    billing: Billing,
  };
}

export const DESIRED_POOL_MAX_SIZE = 1000;
export const DesiredPoolSize = Type.Integer({
  minimum: 1,
  maximum: DESIRED_POOL_MAX_SIZE,
  'x-rule': 'pool-size',
  'x-allowed': `1-${DESIRED_POOL_MAX_SIZE} desktops (a pool is created with at most 100 and grown by expansion)`,
});

function poolSpecFields() {
  return { profile: Type.Optional(ProfileRef), size: DesiredPoolSize, ...PoolConfigFields(), billing: Billing };
}

export function DesktopSpec(domainType: DomainType) {
  return Type.Object(desktopSpecFields(domainType), { additionalProperties: false });
}
export type DesktopSpec = Static<ReturnType<typeof DesktopSpec>>;

export function DesktopPoolSpec() {
  return Type.Object(poolSpecFields(), { additionalProperties: false });
}
export type DesktopPoolSpec = Static<ReturnType<typeof DesktopPoolSpec>>;

/** A profile may hold any field a Desktop or a DesktopPool takes, except those that name one resource. */
export function DesktopProfileSpec(domainType: DomainType) {
  const { profile: _p, user: _u, computer_name: _c, os_host_name: _o, ...desktop } = desktopSpecFields(domainType);
  const { profile: _pp, ...pool } = poolSpecFields();
  const fields: TProperties = { ...pool, ...desktop };
  return Type.Partial(Type.Object(fields, { additionalProperties: false }));
}

const DesktopNameRef = Type.String({ pattern: NAME_PATTERN, 'x-rule': 'desktop-name-ref', 'x-allowed': 'the metadata.name of a Desktop' });

export function DesktopInternetSpec() {
  return Type.Object(
    {
      desktops: Type.Array(DesktopNameRef, { minItems: 1, maxItems: 100, uniqueItems: true, 'x-rule': 'internet-desktops', 'x-allowed': '1-100 distinct Desktop names' }),
      eip_type: StringEnum(EIP_TYPES, { 'x-rule': 'eip-type' }),
      eip_charge_mode: StringEnum(EIP_CHARGE_MODES, { 'x-rule': 'eip-charge-mode' }),
      bandwidth_size: BandwidthSize,
      enterprise_project_id: Type.Optional(EnterpriseProjectId),
      billing: Billing,
    },
    { additionalProperties: false },
  );
}
export type DesktopInternetSpec = Static<ReturnType<typeof DesktopInternetSpec>>;

export function SubnetBandwidthSpec() {
  return Type.Object(
    {
      bandwidth_name: Type.Optional(BandwidthName),
      subnet_id: CloudId('subnet-id', 'subnet'),
      charge_mode: Type.Optional(
        StringEnum(PREPAID_SUBNET_CHARGE_MODES, { 'x-rule': 'subnet-bandwidth-charge-mode', 'x-allowed': 'wks_bandwidth (free and wks_traffic are pay-per-use only; orders here are yearly/monthly)' }),
      ),
      bandwidth_size: BandwidthSize,
      enterprise_project_id: Type.Optional(EnterpriseProjectId),
      billing: Billing,
    },
    { additionalProperties: false },
  );
}
export type SubnetBandwidthSpec = Static<ReturnType<typeof SubnetBandwidthSpec>>;

export function ExclusiveHostSpec() {
  const { resize_exclusive_lites: _r, name: _n, ...fields } = CreateExclusiveHostsReq.properties;
  return Type.Object({ name: Type.Optional(HostName), ...fields, billing: Billing }, { additionalProperties: false });
}
export type ExclusiveHostSpec = Static<ReturnType<typeof ExclusiveHostSpec>>;

export function UserSharerSpec(domainType: DomainType) {
  return Type.Object({ ...SubscribeUserSharerReq(domainType).properties, billing: Billing }, { additionalProperties: false });
}
export type UserSharerSpec = Static<ReturnType<typeof UserSharerSpec>>;

/** The full document schema of a kind: envelope plus its spec. */
function documentSchema(spec: TObject) {
  return Type.Object({ apiVersion: Envelope.properties.apiVersion, kind: Type.String(), metadata: Metadata, spec }, { additionalProperties: false });
}

const schemasByDomain = new Map<DomainType, ReturnType<typeof buildKindSchemas>>();

/**
 * One set of schema objects per domain type for the life of the process. ajv caches compiled
 * validators by schema object, so fresh objects on every load would recompile all seven kinds each
 * time (~100 ms) and grow ajv's cache without bound in the daemon.
 */
export function kindSchemas(domainType: DomainType): ReturnType<typeof buildKindSchemas> {
  let schemas = schemasByDomain.get(domainType);
  if (!schemas) {
    schemas = buildKindSchemas(domainType);
    schemasByDomain.set(domainType, schemas);
  }
  return schemas;
}

function buildKindSchemas(domainType: DomainType) {
  return {
    DesktopProfile: documentSchema(DesktopProfileSpec(domainType)),
    SubnetBandwidth: documentSchema(SubnetBandwidthSpec()),
    ExclusiveHost: documentSchema(ExclusiveHostSpec()),
    DesktopPool: documentSchema(DesktopPoolSpec()),
    Desktop: documentSchema(DesktopSpec(domainType)),
    DesktopInternet: documentSchema(DesktopInternetSpec()),
    UserSharer: documentSchema(UserSharerSpec(domainType)),
  } as const;
}
