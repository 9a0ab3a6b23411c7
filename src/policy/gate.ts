/**
 * The one way plan, apply, reconcile and the daemon apply policies: a gate built from a loaded set
 * and a clock. It fills `plan.policy` (denied when an unexempted deny rule fails) and answers the
 * planner's rebuild guard, so every command decides the same way from the same inputs.
 */
import type { DesiredState } from '../desired/model.js';
import type { Plan } from '../plan/types.js';
import type { ResourceRecord } from '../state/types.js';
import { evaluatePolicies } from './evaluate.js';
import type { PolicySet } from './model.js';
import { rebuildDecider, type AllowRebuild } from './rebuild.js';

export type Records = Readonly<Record<string, ResourceRecord>>;

export interface PolicyGateOptions {
  now: () => Date;
  /** Recorded resources for `current` when the caller does not pass them with each plan. */
  records?: Records;
  ruleBudgetMs?: number;
}

/** Compatible with `PolicyGate` in src/apply/run.ts, plus the rebuild hook and the set's digest. */
export interface PolicyEngineGate {
  (plan: Plan, desired: DesiredState, records?: Records): Plan;
  /** The planner's `allowRebuild`, for the recorded resources the plan is made from. */
  allowRebuild(records?: Records): AllowRebuild;
  readonly digest: string | null;
  readonly set: PolicySet;
}

export function createPolicyGate(set: PolicySet, options: PolicyGateOptions): PolicyEngineGate {
  const budget = options.ruleBudgetMs === undefined ? {} : { ruleBudgetMs: options.ruleBudgetMs };
  const gate = (plan: Plan, desired: DesiredState, records?: Records): Plan => {
    const outcome = evaluatePolicies(set, { desired, plan, records: records ?? options.records ?? {}, now: options.now(), ...budget });
    return { ...plan, bound_to: { ...plan.bound_to, policies_digest: set.digest }, policy: outcome.report };
  };
  return Object.assign(gate, {
    allowRebuild: (records?: Records) => rebuildDecider(set, records ?? options.records ?? {}, budget),
    digest: set.digest,
    set,
  });
}
