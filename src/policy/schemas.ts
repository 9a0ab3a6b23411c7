/**
 * JSON Schemas (TypeBox) of the documents in the policies folder: Policy, PolicyExemption and
 * PolicyTest. Checked with the same ajv and problem mapping as desired state, so errors read alike.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { POLICY_KINDS } from '../desired/kinds.js';
import { ORDERABLE_KINDS, API_VERSION } from '../desired/kinds.js';
import { Metadata, ResourceName } from '../desired/schemas.js';
import { StringEnum } from '../workspace/order-schema.js';

export const ENFORCEMENTS = ['deny', 'warn', 'audit'] as const;
export type Enforcement = (typeof ENFORCEMENTS)[number];
export const SCOPES = ['resource', 'plan'] as const;
export const EXPECTATIONS = ['pass', 'fail', 'skip'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

const AnyJson = Type.Unsafe<unknown>({});
const JsonObject = Type.Record(Type.String(), AnyJson);

export const RuleName = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
  'x-rule': 'rule-name',
  'x-allowed': '1-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit',
});

const Expression = (rule: string) => Type.String({ minLength: 1, maxLength: 20_000, 'x-rule': rule, 'x-allowed': 'a CEL expression of at most 20,000 characters' });

/** A dotted path into the resource document, e.g. `spec.root_volume.size` or `metadata.labels.tier`. */
export const FieldPath = Type.String({
  pattern: '^(resource\\.)?[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_/.-]*|\\[[0-9]+\\])*$',
  'x-rule': 'rule-field',
  'x-allowed': 'a dotted path into the resource, e.g. spec.image_id or metadata.labels.tier',
});

export const RuleSchema = Type.Object(
  {
    name: RuleName,
    expression: Expression('rule-expression'),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, 'x-rule': 'rule-message', 'x-allowed': '1-2000 characters' })),
    messageExpression: Type.Optional(Expression('rule-message-expression')),
    field: Type.Optional(FieldPath),
  },
  { additionalProperties: false },
);

const Glob = (rule: string, what: string) => Type.String({ minLength: 1, maxLength: 300, 'x-rule': rule, 'x-allowed': what });

export const MatchSchema = Type.Object(
  {
    kinds: Type.Optional(Type.Array(StringEnum(ORDERABLE_KINDS, { 'x-rule': 'match-kind' }), { minItems: 1, uniqueItems: true, 'x-rule': 'match-kinds', 'x-allowed': 'a non-empty list of distinct kinds' })),
    labels: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Glob('match-label', 'a label value, or a glob such as "*" (any value, the label must be present)'))),
    names: Type.Optional(Type.Array(Glob('match-name', 'a name or a glob, e.g. fin-* (* any characters, ? one character)'), { minItems: 1, 'x-rule': 'match-names', 'x-allowed': 'a non-empty list of names or globs' })),
  },
  { additionalProperties: false },
);
export type MatchSpec = Static<typeof MatchSchema>;

export const PolicySpecSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    enforcement: StringEnum(ENFORCEMENTS, { 'x-rule': 'enforcement' }),
    scope: Type.Optional(StringEnum(SCOPES, { 'x-rule': 'scope' })),
    match: Type.Optional(MatchSchema),
    params: Type.Optional(JsonObject),
    allowRebuild: Type.Optional(Type.Boolean({ 'x-rule': 'allow-rebuild', 'x-allowed': 'true or false' })),
    rules: Type.Array(RuleSchema, { minItems: 1, maxItems: 100, 'x-rule': 'rules', 'x-allowed': '1-100 rules' }),
  },
  { additionalProperties: false },
);
export type PolicySpec = Static<typeof PolicySpecSchema>;

/** `2027-03-31` (valid through that day, UTC) or an RFC 3339 date-time. */
export const ExpiresSchema = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(?:[Tt ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:[Zz]|[+-]\\d{2}:\\d{2}))?$',
  'x-rule': 'expires',
  'x-allowed': 'a date (YYYY-MM-DD, valid through that day UTC) or a date-time with a zone, e.g. 2027-03-31T18:00:00Z',
});

export const ExemptionSpecSchema = Type.Object(
  {
    policy: Type.String({ pattern: ResourceName.pattern, 'x-rule': 'exemption-policy', 'x-allowed': 'the metadata.name of a Policy' }),
    rules: Type.Optional(Type.Array(RuleName, { minItems: 1, uniqueItems: true, 'x-rule': 'exemption-rules', 'x-allowed': 'rule names of the policy; leave out to exempt from every rule' })),
    addresses: Type.Array(Glob('exemption-address', 'Kind/name or a glob such as Desktop/fin-*; "plan" for plan-scope rules; "*" for everything'), {
      minItems: 1,
      'x-rule': 'exemption-addresses',
      'x-allowed': 'a non-empty list of addresses or globs',
    }),
    owner: Type.String({ minLength: 1, maxLength: 200, 'x-rule': 'exemption-owner', 'x-allowed': 'who answers for the exemption (a person or team), 1-200 characters' }),
    reason: Type.String({ minLength: 1, maxLength: 2000, 'x-rule': 'exemption-reason', 'x-allowed': 'why the exemption is needed, 1-2000 characters' }),
    expires: ExpiresSchema,
  },
  { additionalProperties: false },
);
export type ExemptionSpec = Static<typeof ExemptionSpecSchema>;

export const TestResourceSchema = Type.Object(
  {
    kind: StringEnum(ORDERABLE_KINDS, { 'x-rule': 'test-resource-kind' }),
    name: ResourceName,
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
    spec: JsonObject,
  },
  { additionalProperties: false },
);

export const TestCaseSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, 'x-rule': 'test-case-name', 'x-allowed': '1-200 characters' }),
    resource: Type.Optional(TestResourceSchema),
    current: Type.Optional(Type.Union([JsonObject, Type.Null()])),
    change: Type.Optional(Type.Union([JsonObject, Type.Null()])),
    plan: Type.Optional(JsonObject),
    params: Type.Optional(JsonObject),
    expect: StringEnum(EXPECTATIONS, { 'x-rule': 'test-expect', 'x-allowed': 'pass (every rule passes), fail (at least one fails) or skip (the policy does not match)' }),
    rules: Type.Optional(Type.Array(RuleName, { minItems: 1, uniqueItems: true, 'x-rule': 'test-rules', 'x-allowed': 'the rules expected to fail, exactly' })),
    messageContains: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type TestCaseSpec = Static<typeof TestCaseSchema>;

export const PolicyTestSpecSchema = Type.Object(
  {
    policy: Type.String({ pattern: ResourceName.pattern, 'x-rule': 'test-policy', 'x-allowed': 'the metadata.name of a Policy' }),
    cases: Type.Array(TestCaseSchema, { minItems: 1, maxItems: 1000, 'x-rule': 'test-cases', 'x-allowed': '1-1000 cases' }),
  },
  { additionalProperties: false },
);
export type PolicyTestSpec = Static<typeof PolicyTestSpecSchema>;

export type PolicyKind = (typeof POLICY_KINDS)[number];

function documentSchema(kind: PolicyKind, spec: TSchema) {
  return Type.Object(
    { apiVersion: Type.String({ const: API_VERSION, 'x-rule': 'api-version', 'x-allowed': API_VERSION }), kind: Type.Literal(kind), metadata: Metadata, spec },
    { additionalProperties: false },
  );
}

export const POLICY_DOCUMENT_SCHEMAS = {
  Policy: documentSchema('Policy', PolicySpecSchema),
  PolicyExemption: documentSchema('PolicyExemption', ExemptionSpecSchema),
  PolicyTest: documentSchema('PolicyTest', PolicyTestSpecSchema),
} as const;
