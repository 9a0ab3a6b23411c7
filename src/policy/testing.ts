/**
 * `policy test`: each PolicyTest case feeds its inputs to its policy and compares the outcome with
 * what the case expects — pass (every rule passes), fail (optionally: exactly these rules, with a
 * message containing a text) or skip (the policy's match leaves the resource out). Exemptions do
 * not apply: a test is about the policy itself.
 */
import type { SourceLocation } from '../diagnostics.js';
import type { JsonObject } from '../state/types.js';
import { runWithTimeLimit } from './bounded.js';
import { DEFAULT_RULE_BUDGET_MS, evaluateRule } from './engine.js';
import { matches } from './match.js';
import type { CompiledPolicy, Expectation, PolicySet, TestCase } from './model.js';
import { resourceJson, variables, VariableCache } from './subjects.js';
import { toCel } from './values.js';

export interface FailedRule {
  rule: string;
  message: string;
}

export interface CaseResult {
  suite: string;
  policy: string;
  case: string;
  ok: boolean;
  expected: Expectation;
  expectedRules?: readonly string[];
  actual: Expectation;
  failed: FailedRule[];
  /** Why a case did not turn out as expected; absent when ok. */
  problem?: string;
  source: SourceLocation;
}

export interface TestRun {
  results: CaseResult[];
  passed: number;
  failed: number;
  /** Policies no PolicyTest covers. */
  untested: string[];
}

function inputsOf(policy: CompiledPolicy, c: TestCase): Record<string, JsonObject | null> {
  if (policy.scope === 'plan') return { plan: { changes: [], orders: [], summary: {}, refreshed: false, targets: [], ...c.plan } };
  return { resource: resourceJson(c.resource!), current: c.current ?? null, change: c.change ?? null };
}

function outcome(policy: CompiledPolicy, c: TestCase, budgetMs: number, cache: VariableCache): { actual: Expectation; failed: FailedRule[] } {
  if (policy.scope === 'resource' && !matches(policy.match, c.resource!)) return { actual: 'skip', failed: [] };
  const params = c.params ? { ...policy.params, ...c.params } : policy.params;
  const vars = variables(inputsOf(policy, c), { json: params, cel: c.params ? toCel(params) : policy.celParams }, cache);
  const failed: FailedRule[] = [];
  for (const rule of policy.rules) {
    const run = runWithTimeLimit(() => evaluateRule(rule, vars.cel), budgetMs);
    if (!run.ok) failed.push({ rule: rule.name, message: `the rule ran out of its ${budgetMs} ms time budget` });
    else if (!run.value.ok) failed.push({ rule: rule.name, message: run.value.message });
  }
  return { actual: failed.length > 0 ? 'fail' : 'pass', failed };
}

function describe(expected: Expectation, rules: readonly string[] | undefined): string {
  return expected === 'fail' && rules ? `fail (${rules.join(', ')})` : expected;
}

function judge(c: TestCase, actual: Expectation, failed: readonly FailedRule[]): string | undefined {
  const got = actual === 'fail' ? `fail (${failed.map((f) => f.rule).join(', ')})` : actual;
  if (c.expect !== actual) return `expected ${describe(c.expect, c.rules)}, got ${got}`;
  if (c.expect !== 'fail') return undefined;
  if (c.rules) {
    const names = new Set(failed.map((f) => f.rule));
    const same = names.size === c.rules.length && c.rules.every((r) => names.has(r));
    if (!same) return `expected ${describe(c.expect, c.rules)}, got ${got}`;
  }
  if (c.messageContains !== undefined && !failed.some((f) => f.message.includes(c.messageContains!))) {
    return `expected a message containing ${JSON.stringify(c.messageContains)}, got ${failed.map((f) => JSON.stringify(f.message)).join(', ')}`;
  }
  return undefined;
}

export function runPolicyTests(set: PolicySet, options: { ruleBudgetMs?: number } = {}): TestRun {
  const budget = options.ruleBudgetMs ?? DEFAULT_RULE_BUDGET_MS;
  const cache = new VariableCache();
  const policies = new Map(set.policies.map((p) => [p.name, p]));
  const results: CaseResult[] = [];
  for (const suite of set.tests) {
    const policy = policies.get(suite.policy);
    if (!policy) continue; // the loader refuses a test of an unknown policy; nothing to run here
    for (const c of suite.cases) {
      const { actual, failed } = outcome(policy, c, budget, cache);
      const problem = judge(c, actual, failed);
      results.push({
        suite: suite.name,
        policy: policy.name,
        case: c.name,
        ok: problem === undefined,
        expected: c.expect,
        ...(c.rules ? { expectedRules: c.rules } : {}),
        actual,
        failed,
        ...(problem === undefined ? {} : { problem }),
        source: c.source,
      });
    }
  }
  const tested = new Set(set.tests.map((t) => t.policy));
  const passed = results.filter((r) => r.ok).length;
  return { results, passed, failed: results.length - passed, untested: set.policies.filter((p) => !tested.has(p.name)).map((p) => p.name) };
}
