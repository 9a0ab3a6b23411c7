/** A loaded policy set: compiled policies, exemptions and tests, each with the place it was declared. */
import type { ParseResult } from '@marcbachmann/cel-js';
import type { SourceLocation } from '../diagnostics.js';
import type { OrderableKind } from '../desired/kinds.js';
import type { Json, JsonObject } from '../state/types.js';
import type { PathSegment } from '../validation/problems.js';
import type { Scope } from './cel.js';
import type { RefPath } from './refs.js';
import type { Enforcement, Expectation } from './schemas.js';

export type { Enforcement, Expectation, Scope };

export interface CompiledRule {
  name: string;
  expression: string;
  program: ParseResult;
  message?: string;
  messageExpression?: ParseResult;
  /** Where a violation points inside the resource document, when the rule says so (`field:`). */
  field?: PathSegment[];
  /** Variable paths the expression reads: shown as the values that failed. */
  refs: RefPath[];
  /** The expression's position in the policy file. */
  source: SourceLocation;
}

export interface Matcher {
  kinds?: readonly OrderableKind[];
  /** label → glob over its value */
  labels?: Readonly<Record<string, string>>;
  /** globs over metadata.name */
  names?: readonly string[];
}

export interface CompiledPolicy {
  name: string;
  description?: string;
  enforcement: Enforcement;
  scope: Scope;
  match: Matcher;
  /** As written (for explanations) and as CEL sees it (ints as BigInt). */
  params: JsonObject;
  celParams: unknown;
  /** When true, an image change may rebuild a matching Desktop if every rule of this policy passes for it. */
  allowRebuild: boolean;
  rules: CompiledRule[];
  /** Where `metadata.name` is. */
  source: SourceLocation;
}

export interface Exemption {
  name: string;
  policy: string;
  /** Rules covered; undefined = every rule of the policy. */
  rules?: readonly string[];
  addresses: readonly string[];
  owner: string;
  reason: string;
  /** As written, for messages. */
  expiresText: string;
  /** The first instant it no longer applies. */
  expiresAt: Date;
  source: SourceLocation;
}

export interface TestResource {
  kind: OrderableKind;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: JsonObject;
}

export interface TestCase {
  name: string;
  resource?: TestResource;
  current?: JsonObject | null;
  change?: JsonObject | null;
  plan?: JsonObject;
  /** Merged over the policy's params (top-level keys), to test with small limits. */
  params?: JsonObject;
  expect: Expectation;
  rules?: readonly string[];
  messageContains?: string;
  source: SourceLocation;
}

export interface PolicyTestSuite {
  name: string;
  policy: string;
  cases: TestCase[];
  source: SourceLocation;
}

export interface PolicySet {
  policies: CompiledPolicy[];
  exemptions: Exemption[];
  tests: PolicyTestSuite[];
  /** sha256 over the policy files (names and contents); null when there is no policies folder. */
  digest: string | null;
  files: string[];
  /** Said on every evaluation, e.g. that the policies folder does not exist. */
  notes: string[];
}

export type JsonInput = Record<string, Json | undefined>;
