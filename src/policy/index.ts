/**
 * The policy engine: policies folder → compiled CEL rules (once) → pure evaluation of resources and
 * plans → violations with their values and file:line, exemptions applied; plus the rebuild guard,
 * the gate plan/apply/reconcile/daemon share, and `policy test`.
 */
export type { CompiledPolicy, CompiledRule, Enforcement, Exemption, Matcher, PolicySet, PolicyTestSuite, Scope, TestCase } from './model.js';
export { buildPolicySet, loadPolicySet, EMPTY_POLICY_SET, type PolicyLoadOptions, type PolicyLoadResult } from './load.js';
export { evaluatePolicies, type EvaluationInput, type PolicyOutcome } from './evaluate.js';
export { createPolicyGate, type PolicyEngineGate, type PolicyGateOptions, type Records } from './gate.js';
export { rebuildDecider, provisionalRebuild, type AllowRebuild } from './rebuild.js';
export { runPolicyTests, type CaseResult, type FailedRule, type TestRun } from './testing.js';
export { applyExemptions, covers, isActive, PLAN_ADDRESS } from './exemptions.js';
export { DEFAULT_RULE_BUDGET_MS } from './engine.js';
export { CEL_LIMITS, SCOPE_VARIABLES } from './cel.js';
export { toCel, fromCel } from './values.js';
export { globMatch } from './glob.js';
