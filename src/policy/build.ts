/**
 * From schema-checked documents to the compiled set: CEL compiled once (errors at the expression's
 * own line and column), names cross-checked (exemptions and tests must name real policies and rules),
 * dates parsed. Every problem is reported; a set with errors is never used.
 */
import { didYouMean, type SourceLocation } from '../diagnostics.js';
import type { Reporter } from '../desired/load.js';
import { LineIndex } from '../source/index.js';
import type { JsonObject } from '../state/types.js';
import type { PathSegment } from '../validation/problems.js';
import { compileCel, SCOPE_VARIABLES, type CelProblem, type Scope } from './cel.js';
import type { CompiledPolicy, CompiledRule, Exemption, PolicyTestSuite, TestCase } from './model.js';
import { expressionLocator } from './position.js';
import { collectRefs } from './refs.js';
import type { ExemptionSpec, PolicySpec, PolicyTestSpec } from './schemas.js';
import { toCel } from './values.js';

export interface PolicyDoc<S> {
  file: string;
  index: number;
  start: SourceLocation;
  name: string;
  spec: S;
}

export interface BuildContext {
  report: Reporter;
  /** File texts by display path, to place CEL errors inside an expression. */
  texts: ReadonlyMap<string, string>;
  locate(doc: { file: string; index: number }, path: readonly PathSegment[]): SourceLocation;
}

/** `spec.root_volume.size`, `resource.labels.tier`, `spec.data_volumes[0].size` → path segments. */
export function parseFieldPath(field: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const m of field.replace(/^resource\./, '').matchAll(/\[(\d+)\]|[^.[\]]+/g)) segments.push(m[1] !== undefined ? Number(m[1]) : m[0]);
  return segments;
}

function allowedFor(problem: CelProblem, scope: Scope): string {
  if (problem.rule === 'cel-limit') return 'a smaller expression (at most 2000 nodes, nesting depth 48)';
  if (problem.rule === 'cel-regex') return 'a JavaScript regular expression';
  return `a CEL expression over ${Object.keys(SCOPE_VARIABLES[scope]).join(', ')} (${scope} scope)`;
}

function celError(ctx: BuildContext, doc: PolicyDoc<unknown>, path: PathSegment[], problem: CelProblem, what: string, scope: Scope): void {
  const text = ctx.texts.get(doc.file);
  const toFile = text === undefined ? undefined : expressionLocator(text, doc.index, path);
  const where = text !== undefined && toFile ? { file: doc.file, ...new LineIndex(text).position(toFile(problem.offset)) } : ctx.locate(doc, path);
  ctx.report.push({ ...where, severity: 'error', rule: problem.rule, message: `${what}: ${problem.message}`, allowed: allowedFor(problem, scope) });
}

function compileRule(ctx: BuildContext, doc: PolicyDoc<PolicySpec>, scope: Scope, index: number): CompiledRule | undefined {
  const rule = doc.spec.rules[index]!;
  const at = (field: string): PathSegment[] => ['spec', 'rules', index, field];
  const fail = (field: string, problem: CelProblem, what: string): undefined => {
    celError(ctx, doc, at(field), problem, what, scope);
    return undefined;
  };
  const compiled = compileCel(rule.expression, scope, 'bool');
  let ok = true;
  if (!compiled.ok) ok = fail('expression', compiled.problem, `rule ${rule.name}`) ?? false;
  let messageExpression: CompiledRule['messageExpression'];
  if (rule.messageExpression !== undefined) {
    const m = compileCel(rule.messageExpression, scope, 'string');
    if (m.ok) messageExpression = m.program;
    else ok = fail('messageExpression', m.problem, `messageExpression of rule ${rule.name}`) ?? false;
  }
  if (rule.field !== undefined && scope === 'plan') {
    ctx.report.at(doc, at('field'), 'rule-field', 'field points into a resource; a plan-scope rule has no resource', 'leave field out for scope: plan');
    ok = false;
  }
  if (!ok || !compiled.ok) return undefined;
  return {
    name: rule.name,
    expression: rule.expression,
    program: compiled.program,
    ...(rule.message === undefined ? {} : { message: rule.message }),
    ...(messageExpression ? { messageExpression } : {}),
    ...(rule.field === undefined ? {} : { field: parseFieldPath(rule.field) }),
    refs: collectRefs(compiled.program.ast, new Set(Object.keys(SCOPE_VARIABLES[scope]))),
    source: ctx.locate(doc, at('expression')),
  };
}

export function buildPolicy(ctx: BuildContext, doc: PolicyDoc<PolicySpec>): CompiledPolicy | undefined {
  const spec = doc.spec;
  const scope: Scope = spec.scope ?? 'resource';
  let ok = true;
  const names = new Map<string, number>();
  spec.rules.forEach((r, i) => {
    const first = names.get(r.name);
    if (first !== undefined) {
      ctx.report.at(doc, ['spec', 'rules', i, 'name'], 'duplicate-rule', `rule ${r.name} is already declared as rules[${first}]`, 'distinct rule names within a policy');
      ok = false;
    } else names.set(r.name, i);
  });
  if (scope === 'plan' && spec.match !== undefined) {
    ctx.report.at(doc, ['spec', 'match'], 'plan-scope-match', 'match selects resources; a plan-scope policy sees the whole plan', 'leave match out, or use scope: resource');
    ok = false;
  }
  if (spec.allowRebuild === true) {
    if (scope === 'plan') {
      ctx.report.at(doc, ['spec', 'allowRebuild'], 'allow-rebuild', 'allowRebuild grants rebuilds to matching Desktops; it needs scope: resource', 'scope: resource');
      ok = false;
    } else if (spec.match?.kinds && !spec.match.kinds.includes('Desktop')) {
      ctx.report.at(doc, ['spec', 'allowRebuild'], 'allow-rebuild', 'allowRebuild only concerns Desktops (an image change rebuilds a desktop), and match.kinds leaves them out', 'add Desktop to match.kinds');
      ok = false;
    }
  }
  const rules = spec.rules.map((_, i) => compileRule(ctx, doc, scope, i));
  if (!ok || rules.some((r) => r === undefined)) return undefined;
  const params = (spec.params ?? {}) as JsonObject;
  const match = spec.match ?? {};
  return {
    name: doc.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    enforcement: spec.enforcement,
    scope,
    match: {
      ...(match.kinds ? { kinds: match.kinds } : {}),
      ...(match.labels ? { labels: match.labels } : {}),
      ...(match.names ? { names: match.names } : {}),
    },
    params,
    celParams: toCel(params),
    allowRebuild: spec.allowRebuild === true,
    rules: rules as CompiledRule[],
    source: ctx.locate(doc, ['metadata', 'name']),
  };
}

/** The first instant an exemption no longer applies: a bare date is valid through that day (UTC). */
export function parseExpiry(text: string): Date | undefined {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dateOnly) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    const day = new Date(Date.UTC(y, m - 1, d));
    // Date.UTC rolls 2027-02-30 over to March; a date that does not exist is a typo, not a deadline.
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
    return new Date(day.getTime() + 24 * 60 * 60 * 1000);
  }
  const at = new Date(text.replace(' ', 'T'));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function policyRef(ctx: BuildContext, doc: PolicyDoc<{ policy: string }>, policies: ReadonlyMap<string, PolicyDoc<PolicySpec>>): PolicyDoc<PolicySpec> | undefined {
  const policy = policies.get(doc.spec.policy);
  if (policy) return policy;
  const hint = didYouMean(doc.spec.policy, policies.keys());
  const known = [...policies.keys()].slice(0, 20).join(', ');
  ctx.report.at(doc, ['spec', 'policy'], 'unknown-policy', `no Policy named "${doc.spec.policy}"${hint ? `; did you mean "${hint}"?` : ''}`, known === '' ? 'no Policy is declared' : known);
  return undefined;
}

function ruleRefs(ctx: BuildContext, doc: PolicyDoc<unknown>, path: PathSegment[], rules: readonly string[], policy: PolicyDoc<PolicySpec>): boolean {
  const known = policy.spec.rules.map((r) => r.name);
  let ok = true;
  rules.forEach((name, i) => {
    if (known.includes(name)) return;
    const hint = didYouMean(name, known);
    ctx.report.at(doc, [...path, i], 'unknown-rule', `Policy/${policy.name} has no rule "${name}"${hint ? `; did you mean "${hint}"?` : ''}`, known.join(', '));
    ok = false;
  });
  return ok;
}

export function buildExemption(ctx: BuildContext, doc: PolicyDoc<ExemptionSpec>, policies: ReadonlyMap<string, PolicyDoc<PolicySpec>>): Exemption | undefined {
  const spec = doc.spec;
  const policy = policyRef(ctx, doc, policies);
  const rulesOk = policy === undefined || spec.rules === undefined || ruleRefs(ctx, doc, ['spec', 'rules'], spec.rules, policy);
  const expiresAt = parseExpiry(spec.expires);
  if (!expiresAt) ctx.report.at(doc, ['spec', 'expires'], 'expires', `"${spec.expires}" is not a real date`, 'a date (YYYY-MM-DD) or a date-time with a zone');
  if (!policy || !rulesOk || !expiresAt) return undefined;
  return {
    name: doc.name,
    policy: spec.policy,
    ...(spec.rules ? { rules: spec.rules } : {}),
    addresses: spec.addresses,
    owner: spec.owner,
    reason: spec.reason,
    expiresText: spec.expires,
    expiresAt,
    source: ctx.locate(doc, ['metadata', 'name']),
  };
}

function checkCase(ctx: BuildContext, doc: PolicyDoc<PolicyTestSpec>, index: number, policy: PolicyDoc<PolicySpec>): boolean {
  const c = doc.spec.cases[index]!;
  const at = (...rest: PathSegment[]): PathSegment[] => ['spec', 'cases', index, ...rest];
  const scope = policy.spec.scope ?? 'resource';
  let ok = true;
  const problem = (path: PathSegment[], rule: string, message: string, allowed: string): void => {
    ctx.report.at(doc, path, rule, message, allowed);
    ok = false;
  };
  if (scope === 'resource' && c.resource === undefined) problem(at(), 'test-input', `Policy/${policy.name} checks resources: the case needs a resource`, 'resource: {kind, name, labels, spec}');
  if (scope === 'resource' && c.plan !== undefined) problem(at('plan'), 'test-input', `Policy/${policy.name} checks resources, not the plan`, 'resource, current and change');
  if (scope === 'plan' && c.plan === undefined) problem(at(), 'test-input', `Policy/${policy.name} checks the whole plan: the case needs a plan`, 'plan: {changes: [...], orders: [...]}');
  for (const field of ['resource', 'current', 'change'] as const) {
    if (scope === 'plan' && c[field] !== undefined) problem(at(field), 'test-input', `Policy/${policy.name} checks the plan; ${field} is not a variable there`, 'plan');
  }
  if (c.rules !== undefined) {
    if (c.expect !== 'fail') problem(at('rules'), 'test-rules', 'rules lists the rules expected to fail; it needs expect: fail', 'expect: fail');
    else if (!ruleRefs(ctx, doc, at('rules'), c.rules, policy)) ok = false;
  }
  if (c.messageContains !== undefined && c.expect !== 'fail') problem(at('messageContains'), 'test-message', 'messageContains checks the message of a failure; it needs expect: fail', 'expect: fail');
  return ok;
}

export function buildTestSuite(ctx: BuildContext, doc: PolicyDoc<PolicyTestSpec>, policies: ReadonlyMap<string, PolicyDoc<PolicySpec>>): PolicyTestSuite | undefined {
  const policy = policyRef(ctx, doc, policies);
  if (!policy) return undefined;
  const checks = doc.spec.cases.map((_, i) => checkCase(ctx, doc, i, policy));
  if (checks.includes(false)) return undefined;
  const cases: TestCase[] = doc.spec.cases.map((c, i) => ({
    name: c.name,
    ...(c.resource
      ? { resource: { kind: c.resource.kind, name: c.resource.name, labels: c.resource.labels ?? {}, annotations: c.resource.annotations ?? {}, spec: c.resource.spec as JsonObject } }
      : {}),
    ...(c.current === undefined ? {} : { current: c.current as JsonObject | null }),
    ...(c.change === undefined ? {} : { change: c.change as JsonObject | null }),
    ...(c.plan === undefined ? {} : { plan: c.plan as JsonObject }),
    ...(c.params === undefined ? {} : { params: c.params as JsonObject }),
    expect: c.expect,
    ...(c.rules ? { rules: c.rules } : {}),
    ...(c.messageContains === undefined ? {} : { messageContains: c.messageContains }),
    source: ctx.locate(doc, ['spec', 'cases', i, 'name']),
  }));
  return { name: doc.name, policy: doc.spec.policy, cases, source: ctx.locate(doc, ['metadata', 'name']) };
}
