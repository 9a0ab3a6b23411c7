/**
 * The body of `POST /v2/{project_id}/periodic/subscribe/order`, as JSON Schema (TypeBox), from the order
 * API page in shared/reference. This is the single source of truth for every limit and enumeration of an
 * order: the simulator validates bodies against it and the desired-state schemas are composed from it.
 *
 * `x-rule` names the rule a user sees when a value breaks it; `x-allowed` says, in words, what is allowed.
 * Limits the page does not state come from reference/workspace-api.md §7 and are listed in docs/decisions.md.
 */
import { Type, type Static, type TSchema, type SchemaOptions } from '@sinclair/typebox';

export type DomainType = 'LITE_AD' | 'LOCAL_AD';
export const DOMAIN_TYPES: readonly DomainType[] = ['LITE_AD', 'LOCAL_AD'];

interface RuleOptions extends SchemaOptions {
  'x-rule'?: string;
  'x-allowed'?: string;
}

/** A string enumeration as a plain `enum` so a violation is one clear error, not one per union branch. */
export function StringEnum<const T extends readonly string[]>(values: T, options: RuleOptions = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], 'x-allowed': values.join(', '), ...options });
}

export const ORDER_TYPES = [
  'createDesktops',
  'addVolumes',
  'rebuildDesktops',
  'createDesktopPool',
  'expandDesktopPool',
  'applyDesktopsInternet',
  'createExclusiveHosts',
  'subscribeUserSharer',
  'ApplySubnetBandwidth',
] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** Which request object each order type carries inside `resources[]`. */
export const REQUEST_OBJECT_OF: Record<OrderType, readonly RequestObjectName[]> = {
  createDesktops: ['create_desktops'],
  addVolumes: ['add_volumes'],
  rebuildDesktops: ['rebuild_desktops'],
  createDesktopPool: ['create_desktop_pool'],
  expandDesktopPool: ['expand_desktop_pool'],
  applyDesktopsInternet: ['apply_desktops_internet'],
  // The page has no separate order type for changing the desktop quantity of exclusive hosts; the
  // resize request object is a member of the exclusive-host family (see docs/decisions.md).
  createExclusiveHosts: ['create_exclusive_hosts', 'resize_exclusive_lites'],
  subscribeUserSharer: ['subscribe_user_sharer'],
  ApplySubnetBandwidth: ['apply_subnet_bandwidth'],
};

export const REQUEST_OBJECT_NAMES = [
  'add_volumes',
  'create_desktops',
  'rebuild_desktops',
  'attach_desktops',
  'create_exclusive_hosts',
  'resize_exclusive_lites',
  'create_desktop_pool',
  'expand_desktop_pool',
  'apply_desktops_internet',
  'apply_subnet_bandwidth',
  'subscribe_user_sharer',
] as const;
export type RequestObjectName = (typeof REQUEST_OBJECT_NAMES)[number];

// ---------------------------------------------------------------------------------------------------
// Names and identifiers

export const MAX_DESKTOPS_PER_ORDER = 50;
export const MAX_RESOURCES_PER_ORDER = 50;
export const MAX_DATA_VOLUMES = 10;
export const MAX_TAGS = 20;
export const POOL_CREATE_MAX_SIZE = 100;
export const POOL_EXPAND_MAX_SIZE = 1000;

export const COMPUTER_NAME_PATTERN = '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,13}[A-Za-z0-9])?$';
export const ComputerName = Type.String({
  pattern: COMPUTER_NAME_PATTERN,
  'x-rule': 'computer-name',
  'x-allowed': '1-15 letters, digits and hyphens, starting with a letter or digit, not ending with a hyphen',
});

export const POOL_NAME_PATTERN = '^[A-Za-z0-9-]{1,255}$';
export const PoolName = Type.String({
  pattern: POOL_NAME_PATTERN,
  'x-rule': 'pool-name',
  'x-allowed': '1-255 letters, digits and hyphens',
});

/** user_name rules depend on the tenant's domain type (order API page, Table 10). */
export function UserName(domainType: DomainType, options: RuleOptions = {}) {
  return domainType === 'LITE_AD'
    ? Type.String({
        pattern: '^[A-Za-z][A-Za-z0-9_-]{0,19}$',
        'x-rule': 'user-name',
        'x-allowed': 'LITE_AD: 1-20 letters, digits, hyphens and underscores, starting with a letter',
        ...options,
      })
    : Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$',
        'x-rule': 'user-name',
        'x-allowed': 'LOCAL_AD: 1-32 letters, digits, hyphens and underscores, starting with a letter or digit',
        ...options,
      });
}

export const USER_GROUPS = ['sudo', 'default', 'administrators', 'users'] as const;
export const WINDOWS_USER_GROUPS = ['administrators', 'users'] as const;
export const UserGroup = StringEnum(USER_GROUPS, { 'x-rule': 'user-group' });

export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  'x-rule': 'email',
  'x-allowed': 'a valid e-mail address',
});

export const Phone = Type.String({
  pattern: '^\\+?[0-9][0-9 -]{4,31}$',
  'x-rule': 'phone',
  'x-allowed': 'digits, spaces and hyphens, optionally starting with +',
});

export const EnterpriseProjectId = Type.String({
  pattern: '^(0|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
  'x-rule': 'enterprise-project-id',
  'x-allowed': '"0" (default) or an enterprise project UUID',
});

/** Cloud resource ids (subnets, security groups, images, desktops …) are opaque but never empty. */
export function CloudId(rule: string, what: string) {
  return Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S+$', 'x-rule': rule, 'x-allowed': `a ${what} id without spaces` });
}

// ---------------------------------------------------------------------------------------------------
// Shared objects

export const VOLUME_TYPES = ['SAS', 'SSD', 'GPSSD'] as const;
export const POOL_VOLUME_TYPES = ['SAS', 'SSD'] as const;

function VolumeSize(role: 'root' | 'data') {
  const min = role === 'root' ? 80 : 10;
  return Type.Integer({
    minimum: min,
    maximum: 32760,
    multipleOf: 10,
    'x-rule': role === 'root' ? 'root-volume-size' : 'data-volume-size',
    'x-allowed': `${min}-32760 GB in multiples of 10`,
  });
}

/** Volume (Table 7): types SAS, SSD, GPSSD; sizes in multiples of 10. */
export function Volume(role: 'root' | 'data') {
  return Type.Object(
    { type: StringEnum(VOLUME_TYPES, { 'x-rule': 'volume-type' }), size: VolumeSize(role) },
    { additionalProperties: false },
  );
}
export type Volume = Static<ReturnType<typeof Volume>>;

/** VolumeInfo (Table 20), the pool's volume object: types SAS and SSD only. */
export function PoolVolume(role: 'root' | 'data') {
  return Type.Object(
    {
      id: Type.Optional(CloudId('volume-id', 'volume')),
      type: StringEnum(POOL_VOLUME_TYPES, { 'x-rule': 'volume-type' }),
      size: VolumeSize(role),
      resource_spec_code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    },
    { additionalProperties: false },
  );
}
export type PoolVolume = Static<ReturnType<typeof PoolVolume>>;

export const Nic = Type.Object({ subnet_id: CloudId('subnet-id', 'subnet') }, { additionalProperties: false });
export type Nic = Static<typeof Nic>;

export const SecurityGroup = Type.Object({ id: CloudId('security-group-id', 'security group') }, { additionalProperties: false });
export type SecurityGroup = Static<typeof SecurityGroup>;

/** Tag (Table 22): letters of any script, digits, hyphens and underscores; =*<>,|/ are refused. */
export const Tag = Type.Object(
  {
    key: Type.String({
      pattern: '^[\\p{L}\\p{N}_-]{1,128}$',
      'x-rule': 'tag-key',
      'x-allowed': '1-128 letters, digits, hyphens and underscores (not =*<>,|/)',
    }),
    value: Type.Optional(
      Type.String({
        pattern: '^[\\p{L}\\p{N}_-]{0,43}$',
        'x-rule': 'tag-value',
        'x-allowed': '0-43 letters, digits, hyphens and underscores (not =*<>,|/)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Tag = Static<typeof Tag>;

export const Tags = Type.Array(Tag, { maxItems: MAX_TAGS, 'x-rule': 'tag-count', 'x-allowed': `at most ${MAX_TAGS} tags` });

export const EIP_TYPES = ['5_bgp', '5_sbgp'] as const;
export const EIP_CHARGE_MODES = ['TRAFFIC', 'BANDWIDTH'] as const;

export const BandwidthSize = Type.Integer({
  minimum: 1,
  maximum: 2000,
  'x-rule': 'bandwidth-size',
  'x-allowed': '1-2000 Mbit/s',
});

export const Eip = Type.Object(
  {
    id: Type.Optional(CloudId('eip-id', 'EIP')),
    type: Type.Optional(StringEnum(EIP_TYPES, { 'x-rule': 'eip-type' })),
    charge_mode: Type.Optional(StringEnum(EIP_CHARGE_MODES, { 'x-rule': 'eip-charge-mode' })),
    bandwidth_size: Type.Optional(BandwidthSize),
  },
  { additionalProperties: false },
);
export type Eip = Static<typeof Eip>;

export const ApplySharedVpcDedicatedParam = Type.Object(
  {
    address: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, 'x-rule': 'port', 'x-allowed': '1-65535' })),
    availability_zone: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false },
);

export const DESKTOP_TYPES = ['DEDICATED', 'SHARED'] as const;
export const IMAGE_TYPES = ['private', 'gold'] as const;
export const DesktopType = StringEnum(DESKTOP_TYPES, { 'x-rule': 'desktop-type' });
export const ImageType = StringEnum(IMAGE_TYPES, { 'x-rule': 'image-type' });

// ---------------------------------------------------------------------------------------------------
// Request objects (one per table of the page)

/** Desktop (Table 10): one user's desktop inside a createDesktops batch. */
export function DesktopEntry(domainType: DomainType) {
  return Type.Object(
    {
      user_name: UserName(domainType),
      user_email: Type.Optional(Email),
      user_phone: Type.Optional(Phone),
      user_group: Type.Optional(UserGroup),
      computer_name: Type.Optional(ComputerName),
      os_host_name: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
      desktop_name_prefix: Type.Optional(
        Type.String({ pattern: '^[A-Za-z0-9-]{1,5}$', 'x-rule': 'desktop-name-prefix', 'x-allowed': '1-5 letters, digits and hyphens' }),
      ),
    },
    { additionalProperties: false },
  );
}
export type DesktopEntry = Static<ReturnType<typeof DesktopEntry>>;

/** Fields of CreateDesktopReq (Table 6) that describe the desktops' configuration. */
export function DesktopConfigFields() {
  return {
    desktop_type: DesktopType,
    availability_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    product_id: CloudId('product-id', 'product'),
    image_type: ImageType,
    image_id: CloudId('image-id', 'image'),
    root_volume: Volume('root'),
    data_volumes: Type.Optional(
      Type.Array(Volume('data'), { maxItems: MAX_DATA_VOLUMES, 'x-rule': 'data-volume-count', 'x-allowed': `at most ${MAX_DATA_VOLUMES} data volumes` }),
    ),
    nics: Type.Optional(Type.Array(Nic, { minItems: 1 })),
    security_groups: Type.Optional(Type.Array(SecurityGroup, { minItems: 1 })),
    email_notification: Type.Optional(Type.Boolean()),
    enterprise_project_id: Type.Optional(EnterpriseProjectId),
    tags: Type.Optional(Tags),
    apply_shared_vpc_dedicated_param: Type.Optional(ApplySharedVpcDedicatedParam),
    eip: Type.Optional(Eip),
    desktop_name_policy_id: Type.Optional(CloudId('policy-id', 'desktop name policy')),
    desktop_ips: Type.Optional(
      Type.Array(Type.String({ format: 'ipv4', 'x-rule': 'ip-address', 'x-allowed': 'an IPv4 address' }), {
        maxItems: 100,
        'x-rule': 'desktop-ip-count',
        'x-allowed': '0-100 addresses',
      }),
    ),
  };
}

export function CreateDesktopReq(domainType: DomainType) {
  return Type.Object(
    {
      ...DesktopConfigFields(),
      desktops: Type.Optional(
        Type.Array(DesktopEntry(domainType), {
          minItems: 1,
          maxItems: MAX_DESKTOPS_PER_ORDER,
          'x-rule': 'desktops-per-order',
          'x-allowed': `1-${MAX_DESKTOPS_PER_ORDER} desktops per order`,
        }),
      ),
      desktop_name: Type.Optional(
        Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,14}$', 'x-rule': 'desktop-name', 'x-allowed': '1-15 letters, digits and hyphens starting with a letter or digit (a 1-13 character prefix when size > 1)' }),
      ),
      size: Type.Optional(
        Type.Integer({ minimum: 1, maximum: MAX_DESKTOPS_PER_ORDER, 'x-rule': 'desktops-per-order', 'x-allowed': `1-${MAX_DESKTOPS_PER_ORDER} desktops per order` }),
      ),
      hour_package_product_id: Type.Optional(Type.String({ minLength: 1 })),
      hour_package_offering_id: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  );
}
export type CreateDesktopReq = Static<ReturnType<typeof CreateDesktopReq>>;

export const AddVolumes = Type.Object(
  {
    desktop_id: CloudId('desktop-id', 'desktop'),
    volumes: Type.Array(Volume('data'), {
      minItems: 1,
      maxItems: MAX_DATA_VOLUMES,
      'x-rule': 'data-volume-count',
      'x-allowed': `1-${MAX_DATA_VOLUMES} data volumes`,
    }),
  },
  { additionalProperties: false },
);
export type AddVolumes = Static<typeof AddVolumes>;

export const RebuildDesktopsReq = Type.Object(
  {
    desktop_ids: Type.Array(CloudId('desktop-id', 'desktop'), {
      minItems: 1,
      maxItems: MAX_DESKTOPS_PER_ORDER,
      'x-rule': 'desktops-per-order',
      'x-allowed': `1-${MAX_DESKTOPS_PER_ORDER} desktops per order`,
    }),
    image_type: ImageType,
    image_id: CloudId('image-id', 'image'),
    os_type: Type.Optional(Type.String({ minLength: 1 })),
    delay_time: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440, 'x-rule': 'delay-time', 'x-allowed': '0-1440 minutes' })),
    message: Type.Optional(Type.String({ maxLength: 1024 })),
    order_id: Type.Optional(Type.String({ minLength: 1 })),
    enterprise_project_id: Type.Optional(EnterpriseProjectId),
  },
  { additionalProperties: false },
);
export type RebuildDesktopsReq = Static<typeof RebuildDesktopsReq>;

export const EXCLUSIVE_LITE_MAX = 300;

export const ResizeExclusiveLitesReq = Type.Object(
  {
    enterprise_project_id: Type.Optional(EnterpriseProjectId),
    product_id: CloudId('product-id', 'product'),
    new_quantity: Type.Integer({ minimum: 0, maximum: EXCLUSIVE_LITE_MAX, 'x-rule': 'exclusive-desktop-quantity', 'x-allowed': `0-${EXCLUSIVE_LITE_MAX}` }),
  },
  { additionalProperties: false },
);
export type ResizeExclusiveLitesReq = Static<typeof ResizeExclusiveLitesReq>;

export const HostName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  'x-rule': 'host-name',
  'x-allowed': '1-64 letters, digits, hyphens, underscores and dots, starting with a letter or digit',
});

export const CreateExclusiveHostsReq = Type.Object(
  {
    availability_zone: Type.String({ minLength: 1, maxLength: 64, 'x-rule': 'availability-zone', 'x-allowed': 'an availability zone name' }),
    name: Type.Optional(HostName),
    apply_desktop_quantity: Type.Optional(
      Type.Integer({ minimum: 0, maximum: EXCLUSIVE_LITE_MAX, 'x-rule': 'exclusive-desktop-quantity', 'x-allowed': `0-${EXCLUSIVE_LITE_MAX}` }),
    ),
    quantity: Type.Integer({ minimum: 1, maximum: 100, 'x-rule': 'host-quantity', 'x-allowed': '1-100' }),
    product_id: CloudId('product-id', 'product'),
    image_volumes: Type.Array(Volume('root'), { minItems: 1, maxItems: 10, 'x-rule': 'volume-count', 'x-allowed': '1-10 volumes' }),
    enterprise_project_id: Type.Optional(EnterpriseProjectId),
    memory_volumes: Type.Array(Volume('data'), { minItems: 1, maxItems: 10, 'x-rule': 'volume-count', 'x-allowed': '1-10 volumes' }),
    vpc_id: CloudId('vpc-id', 'VPC'),
    subnet_id: CloudId('subnet-id', 'subnet'),
    resize_exclusive_lites: Type.Optional(ResizeExclusiveLitesReq),
  },
  { additionalProperties: false },
);
export type CreateExclusiveHostsReq = Static<typeof CreateExclusiveHostsReq>;

export const POOL_TYPES = ['DYNAMIC', 'STATIC'] as const;
export const AUTHORIZED_OBJECT_TYPES = ['USER', 'USER_GROUP'] as const;
export const AUTOSCALE_TYPES = ['ACCESS_CREATED', 'AUTO_CREATED'] as const;

export const AuthorizedObject = Type.Object(
  {
    object_type: StringEnum(AUTHORIZED_OBJECT_TYPES, { 'x-rule': 'authorized-object-type' }),
    object_id: CloudId('object-id', 'user or user group'),
    object_name: Type.String({ minLength: 1, maxLength: 64, 'x-rule': 'object-name', 'x-allowed': '1-64 characters' }),
    user_group: UserGroup,
    created_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

const AutoscaleCount = Type.Integer({ minimum: 0, maximum: 5000, 'x-rule': 'autoscale-count', 'x-allowed': '0-5000' });
export const AutoscalePolicy = Type.Object(
  {
    autoscale_type: Type.Optional(StringEnum(AUTOSCALE_TYPES, { 'x-rule': 'autoscale-type' })),
    max_auto_created: Type.Optional(AutoscaleCount),
    min_idle: Type.Optional(AutoscaleCount),
    once_auto_created: Type.Optional(AutoscaleCount),
  },
  { additionalProperties: false },
);

/** Fields of CreateDesktopPoolReq (Table 19) that describe the pool's configuration. */
export function PoolConfigFields() {
  return {
    type: StringEnum(POOL_TYPES, { 'x-rule': 'pool-type' }),
    description: Type.Optional(Type.String({ maxLength: 255, 'x-rule': 'description', 'x-allowed': 'at most 255 characters' })),
    availability_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    product_id: CloudId('product-id', 'product'),
    flavor_id: Type.Optional(CloudId('flavor-id', 'flavor')),
    image_type: ImageType,
    image_id: CloudId('image-id', 'image'),
    root_volume: PoolVolume('root'),
    data_volumes: Type.Optional(
      Type.Array(PoolVolume('data'), { maxItems: MAX_DATA_VOLUMES, 'x-rule': 'data-volume-count', 'x-allowed': `at most ${MAX_DATA_VOLUMES} data volumes` }),
    ),
    vpc_id: Type.Optional(CloudId('vpc-id', 'VPC')),
    subnet_ids: Type.Array(CloudId('subnet-id', 'subnet'), { minItems: 1, 'x-rule': 'subnet-ids', 'x-allowed': 'at least one subnet id' }),
    security_groups: Type.Optional(Type.Array(SecurityGroup, { minItems: 1 })),
    authorized_objects: Type.Optional(
      Type.Array(AuthorizedObject, { maxItems: 500, 'x-rule': 'authorized-object-count', 'x-allowed': 'at most 500 users or groups' }),
    ),
    ou_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    tags: Type.Optional(Tags),
    enterprise_project_id: Type.Optional(EnterpriseProjectId),
    disconnected_retention_period: Type.Optional(
      Type.Integer({ minimum: 10, maximum: 43200, 'x-rule': 'disconnected-retention-period', 'x-allowed': '10-43200 minutes' }),
    ),
    enable_autoscale: Type.Optional(Type.Boolean()),
    autoscale_policy: Type.Optional(AutoscalePolicy),
    desktop_name_policy_id: Type.Optional(CloudId('policy-id', 'desktop name policy')),
  };
}

export const PoolSize = Type.Integer({
  minimum: 1,
  maximum: POOL_CREATE_MAX_SIZE,
  'x-rule': 'pool-size',
  'x-allowed': `1-${POOL_CREATE_MAX_SIZE} desktops when the pool is created`,
});

export const CreateDesktopPoolReq = Type.Object(
  { name: PoolName, size: PoolSize, ...PoolConfigFields() },
  { additionalProperties: false },
);
export type CreateDesktopPoolReq = Static<typeof CreateDesktopPoolReq>;

export const ExpandDesktopPoolOrderReq = Type.Object(
  {
    size: Type.Integer({ minimum: 1, maximum: POOL_EXPAND_MAX_SIZE, 'x-rule': 'pool-expand-size', 'x-allowed': `1-${POOL_EXPAND_MAX_SIZE} desktops added` }),
    pool_id: CloudId('pool-id', 'desktop pool'),
  },
  { additionalProperties: false },
);
export type ExpandDesktopPoolOrderReq = Static<typeof ExpandDesktopPoolOrderReq>;

export const ApplyDesktopsInternet = Type.Object(
  {
    desktop_ids: Type.Optional(Type.Array(CloudId('desktop-id', 'desktop'), { maxItems: 100, 'x-rule': 'desktop-id-count', 'x-allowed': 'at most 100 desktops' })),
    eip_type: StringEnum(EIP_TYPES, { 'x-rule': 'eip-type' }),
    eip_charge_mode: StringEnum(EIP_CHARGE_MODES, { 'x-rule': 'eip-charge-mode' }),
    bandwidth_size: BandwidthSize,
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, 'x-rule': 'eip-count', 'x-allowed': '1-100' })),
  },
  { additionalProperties: false },
);
export type ApplyDesktopsInternet = Static<typeof ApplyDesktopsInternet>;

/** Yearly/monthly orders can only use the charge mode billed by bandwidth (Table 26). */
export const PREPAID_SUBNET_CHARGE_MODES = ['wks_bandwidth'] as const;
export const BandwidthName = Type.String({
  pattern: '^[A-Za-z0-9_.-]{2,64}$',
  'x-rule': 'bandwidth-name',
  'x-allowed': '2-64 letters, digits, hyphens, underscores and dots',
});

export const ApplySubnetBandwidthReq = Type.Object(
  {
    bandwidth_name: Type.Optional(BandwidthName),
    subnet_id: CloudId('subnet-id', 'subnet'),
    charge_mode: StringEnum(PREPAID_SUBNET_CHARGE_MODES, {
      'x-rule': 'subnet-bandwidth-charge-mode',
      'x-allowed': 'wks_bandwidth (free and wks_traffic are pay-per-use only; orders here are yearly/monthly)',
    }),
    bandwidth_size: Type.Optional(BandwidthSize),
    enterprise_project_id: Type.Optional(EnterpriseProjectId),
  },
  { additionalProperties: false },
);
export type ApplySubnetBandwidthReq = Static<typeof ApplySubnetBandwidthReq>;

export function SharerUser(domainType: DomainType) {
  return Type.Object(
    { user_id: CloudId('user-id', 'user'), user_name: UserName(domainType) },
    { additionalProperties: false },
  );
}

export function SubscribeUserSharerReq(domainType: DomainType) {
  return Type.Object(
    {
      user_sharer_sku: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$', 'x-rule': 'user-sharer-sku', 'x-allowed': 'a SKU code of 1-128 letters, digits and _.:-' }),
      users: Type.Array(SharerUser(domainType), { minItems: 1, maxItems: 500, 'x-rule': 'sharer-user-count', 'x-allowed': '1-500 users' }),
    },
    { additionalProperties: false },
  );
}
export type SubscribeUserSharerReq = Static<ReturnType<typeof SubscribeUserSharerReq>>;

/** Not produced by this tool (no order type carries it) but part of the page; kept so bodies that use it are checked. */
export const AttachInstancesReq = Type.Object(
  {
    desktops: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
    image_type: Type.Optional(ImageType),
    image_id: Type.Optional(CloudId('image-id', 'image')),
    desktop_name_policy_id: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------------
// Billing and the order envelope

export const PERIOD_TYPE = { month: 2, year: 3 } as const;
export type PeriodUnit = keyof typeof PERIOD_TYPE;
/** Period counts the console offers for Workspace (month 1-9, year 1-3); see docs/decisions.md. */
export const PERIOD_NUM_MAX: Record<PeriodUnit, number> = { month: 9, year: 3 };

export const CREATE_ORDER_TYPES: readonly OrderType[] = [
  'createDesktops',
  'createDesktopPool',
  'applyDesktopsInternet',
  'createExclusiveHosts',
  'subscribeUserSharer',
  'ApplySubnetBandwidth',
];

export function OrderResource(domainType: DomainType) {
  return Type.Object(
    {
      period_type: Type.Optional(
        Type.Integer({ enum: [2, 3], 'x-rule': 'period-type', 'x-allowed': '2 (monthly) or 3 (yearly)' }),
      ),
      period_num: Type.Optional(Type.Integer({ minimum: 1, maximum: 9, 'x-rule': 'period-num', 'x-allowed': '1-9 months or 1-3 years' })),
      is_auto_renew: Type.Optional(Type.Integer({ enum: [0, 1], 'x-rule': 'is-auto-renew', 'x-allowed': '0 or 1' })),
      add_volumes: Type.Optional(AddVolumes),
      create_desktops: Type.Optional(CreateDesktopReq(domainType)),
      rebuild_desktops: Type.Optional(RebuildDesktopsReq),
      attach_desktops: Type.Optional(AttachInstancesReq),
      create_exclusive_hosts: Type.Optional(CreateExclusiveHostsReq),
      resize_exclusive_lites: Type.Optional(ResizeExclusiveLitesReq),
      create_desktop_pool: Type.Optional(CreateDesktopPoolReq),
      expand_desktop_pool: Type.Optional(ExpandDesktopPoolOrderReq),
      apply_desktops_internet: Type.Optional(ApplyDesktopsInternet),
      apply_subnet_bandwidth: Type.Optional(ApplySubnetBandwidthReq),
      subscribe_user_sharer: Type.Optional(SubscribeUserSharerReq(domainType)),
    },
    { additionalProperties: false },
  );
}
export type OrderResource = Static<ReturnType<typeof OrderResource>>;

export function OrderBody(domainType: DomainType) {
  return Type.Object(
    {
      type: StringEnum(ORDER_TYPES, { 'x-rule': 'order-type' }),
      enterprise_project_id: Type.Optional(EnterpriseProjectId),
      resources: Type.Array(OrderResource(domainType), {
        minItems: 1,
        maxItems: MAX_RESOURCES_PER_ORDER,
        'x-rule': 'resources-per-order',
        'x-allowed': `1-${MAX_RESOURCES_PER_ORDER} resources`,
      }),
      extend_param: Type.Optional(
        Type.Object(
          { is_auto_pay: Type.Optional(StringEnum(['true', 'false'] as const, { 'x-rule': 'is-auto-pay' })) },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  );
}
export type OrderBody = Static<ReturnType<typeof OrderBody>>;

export interface OrderResponse {
  order_id: string;
  job_id?: string;
}

/** Every schema above accepts these annotation keywords; register them with ajv in strict mode. */
export const ANNOTATION_KEYWORDS = ['x-rule', 'x-allowed'] as const;

export type { TSchema };
