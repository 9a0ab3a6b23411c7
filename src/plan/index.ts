/** The planner: pure (desired, recorded, live?, now) → changes, orders and drift; plus the plan's types. */
export * from './types.js';
export { plan, planWithState, type PlanInput, type PlanResult } from './plan.js';
export { refreshRecords, type RefreshResult } from './refresh.js';
export { fieldDiff } from './diff.js';
export { ALLOW_REBUILD_ANNOTATION, annotationAllowsRebuild, type RebuildDecision } from './kinds.js';
