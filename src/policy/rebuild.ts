/**
 * The planner's rebuild guard, answered by policy. An image change rebuilds a desktop's system disk,
 * so the planner orders it only when something allows it: the resource's own annotation, or a Policy
 * with `allowRebuild: true` that matches the desktop and whose every rule passes for the rebuild
 * (with `change` set to the rebuild being considered and `current` to the recorded desktop).
 */
import type { DesiredResource } from '../desired/model.js';
import { annotationAllowsRebuild, fieldDiff, type RebuildDecision } from '../plan/index.js';
import type { JsonObject, ResourceRecord } from '../state/types.js';
import { DEFAULT_RULE_BUDGET_MS, evaluateRule } from './engine.js';
import { runWithTimeLimit } from './bounded.js';
import { matches } from './match.js';
import type { CompiledPolicy, PolicySet } from './model.js';
import { currentJson, resourceJson, variables, VariableCache } from './subjects.js';

export type AllowRebuild = (resource: DesiredResource) => RebuildDecision;

/** The change a granting policy is shown: the rebuild the planner would order. */
export function provisionalRebuild(r: DesiredResource, record: ResourceRecord | undefined): JsonObject {
  return {
    address: r.address,
    kind: r.kind,
    name: r.name,
    action: 'update',
    operation: 'rebuildDesktops',
    reason: `new image ${JSON.stringify(r.spec['image_id'] ?? null)}: rebuildDesktops (being considered)`,
    diff: record?.spec ? fieldDiff(record.spec, r.spec) : [],
    orders: [],
  };
}

function grants(policy: CompiledPolicy, r: DesiredResource, record: ResourceRecord | undefined, budgetMs: number, cache: VariableCache): boolean {
  const vars = variables({ resource: resourceJson(r), current: currentJson(record), change: provisionalRebuild(r, record) }, { json: policy.params, cel: policy.celParams }, cache);
  const run = runWithTimeLimit(() => policy.rules.every((rule) => evaluateRule(rule, vars.cel).ok), budgetMs);
  return run.ok && run.value;
}

export function rebuildDecider(set: PolicySet, records: Readonly<Record<string, ResourceRecord>> = {}, options: { ruleBudgetMs?: number } = {}): AllowRebuild {
  const granting = set.policies.filter((p) => p.allowRebuild);
  const budget = options.ruleBudgetMs ?? DEFAULT_RULE_BUDGET_MS;
  const cache = new VariableCache();
  return (r) => {
    const annotation = annotationAllowsRebuild(r);
    if (annotation.allowed) return annotation;
    for (const policy of granting) {
      if (matches(policy.match, r) && grants(policy, r, records[r.address], budget, cache)) return { allowed: true, by: `policy ${policy.name}` };
    }
    return { allowed: false };
  };
}
