/**
 * The shell around the planner that plan, apply, reconcile and the daemon share: load the desired
 * state, read the recorded state (journal folded in), read the cloud when asked, evaluate policies,
 * and call the pure planner.
 */
import type { Config } from '../config/index.js';
import { InputError } from '../errors.js';
import type { DesiredState } from '../desired/index.js';
import { loadDesiredState, type ParseCache } from '../desired/index.js';
import { desiredLoadOptions } from '../cli/desired.js';
import { planWithState, type Plan } from '../plan/index.js';
import { createPolicyGate, loadPolicySet, type PolicySet } from '../policy/index.js';
import type { ResourceRecord, StateSnapshot } from '../state/types.js';
import { readLive } from '../apply/live.js';
import type { WorkspaceApi } from '../workspace/types.js';

export interface PlanRunInput {
  config: Config;
  now: Date;
  snapshot: StateSnapshot;
  /** When given, the live cloud is read (--refresh). */
  api?: WorkspaceApi;
  targets?: readonly string[];
  gitRevision?: string | null;
  /** Already loaded desired state (e.g. from a git revision); loaded from the config's folder otherwise. */
  desired?: DesiredState;
  cache?: ParseCache;
  /** Already loaded policies (the daemon keeps them between runs); loaded from the config's folder otherwise. */
  policies?: PolicySet;
}

export interface PlanRunResult {
  plan: Plan;
  desired: DesiredState;
  /** Records after refresh, to be written back by commands that hold the lock. */
  records: Record<string, ResourceRecord>;
}

export async function loadDesiredOrThrow(config: Config, cache?: ParseCache): Promise<DesiredState> {
  const result = await loadDesiredState(config.desiredStateDir, desiredLoadOptions(config, cache));
  if (!result.state) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    throw new InputError(`the desired state has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was planned or ordered`, errors, 'run workspace-gitops validate for the full report');
  }
  return result.state;
}

/** The policies the config points at; a set with errors stops every command that would use it. */
export async function loadPoliciesOrThrow(config: Config): Promise<PolicySet> {
  const result = await loadPolicySet(config.policiesDir, { displayRoot: config.root });
  if (!result.set) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    throw new InputError(`the policies have ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was planned or ordered`, errors, 'run workspace-gitops validate (or policy check) for the full report');
  }
  return result.set;
}

function checkTargets(targets: readonly string[], desired: DesiredState, snapshot: StateSnapshot): void {
  const unknown = targets.filter((t) => !desired.byAddress.has(t) && snapshot.resources[t] === undefined);
  if (unknown.length > 0) {
    throw new InputError(`--target ${unknown.join(', ')}: no such resource in the desired or recorded state`, [], 'use Kind/name, e.g. --target Desktop/alice-dev');
  }
}

export async function runPlan(input: PlanRunInput): Promise<PlanRunResult> {
  const desired = input.desired ?? (await loadDesiredOrThrow(input.config, input.cache));
  const policies = input.policies ?? (await loadPoliciesOrThrow(input.config));
  if (input.targets) checkTargets(input.targets, desired, input.snapshot);
  const live = input.api ? await readLive(input.api, input.snapshot.resources, input.now) : undefined;
  // The same gate apply, reconcile and the daemon use: identical decisions from identical inputs.
  const gate = createPolicyGate(policies, { now: () => input.now });
  const { plan, records } = planWithState({
    desired,
    recorded: input.snapshot,
    ...(live ? { live } : {}),
    now: input.now,
    ...(input.targets ? { targets: input.targets } : {}),
    gitRevision: input.gitRevision ?? null,
    policiesDigest: gate.digest,
    allowRebuild: gate.allowRebuild(input.snapshot.resources),
  });
  return { plan: gate(plan, desired, records), desired, records };
}
