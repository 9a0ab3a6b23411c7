/**
 * `plan --base REF`, for pull requests: what would this change order? The desired state here (the PR's
 * HEAD) is planned against a recorded state made up from the desired state at REF, as if everything at
 * REF had been ordered and were active. No state file is read, no credentials are needed, nothing is
 * written.
 *
 * Cloud ids (desktop_id, pool_id …) are unknown without the real state, so the made-up records carry
 * placeholders — `placeholder:Desktop/alice-dev` — which show in the bodies of update orders (addVolumes,
 * expandDesktopPool, applyDesktopsInternet …). Such a plan can never be applied: it is bound to a
 * `base:<commit>` lineage no state has. Policies are the ones here (the PR's), with `current` taken
 * from the made-up records.
 */
import type { Config } from '../config/index.js';
import { InputError } from '../errors.js';
import { buildDesiredState, type DesiredState, type ParseCache } from '../desired/index.js';
import { desiredLoadOptions } from '../cli/desired.js';
import { gitRevision, openCheckout, readFolderAtRevision, resolveCommit } from '../git/index.js';
import { planWithState, type Plan } from '../plan/index.js';
import { createPolicyGate, type PolicySet } from '../policy/index.js';
import { specHash } from '../state/canonical.js';
import { STATE_FORMAT_VERSION, type ResourceRecord, type StateSnapshot } from '../state/types.js';
import { loadDesiredOrThrow, loadPoliciesOrThrow } from './plan-run.js';

export const PLACEHOLDER_ID_PREFIX = 'placeholder:';

export interface BasePlanInput {
  config: Config;
  /** A git revision: a branch, a tag, a commit, origin/main … */
  ref: string;
  now: Date;
  targets?: readonly string[];
  /** The policies to evaluate; loaded from the config's folder (the PR's own policies) otherwise. */
  policies?: PolicySet;
  cache?: ParseCache;
}

export interface BasePlanResult {
  plan: Plan;
  /** The commit REF names. */
  baseCommit: string;
  /** Resources declared at REF. */
  baseResources: number;
}

/** The records a state would hold if everything declared at the base had been ordered and were active. */
export function syntheticRecorded(base: DesiredState, commit: string, now: Date): StateSnapshot {
  const at = now.toISOString();
  const resources: Record<string, ResourceRecord> = {};
  for (const r of base.resources) {
    resources[r.address] = {
      address: r.address,
      kind: r.kind,
      name: r.name,
      spec: r.spec,
      spec_hash: specHash(r.spec),
      status: 'active',
      order_ids: [],
      cloud_id: `${PLACEHOLDER_ID_PREFIX}${r.address}`,
      created_at: at,
      updated_at: at,
    };
  }
  return { format_version: STATE_FORMAT_VERSION, lineage: `base:${commit}`, serial: 0, resources };
}

export async function runBasePlan(input: BasePlanInput): Promise<BasePlanResult> {
  const { config } = input;
  const checkout = await openCheckout(config.root);
  const baseCommit = await resolveCommit(checkout, input.ref);
  const head = await loadDesiredOrThrow(config, input.cache);
  const read = await readFolderAtRevision(checkout, baseCommit, { folder: config.desiredStateDir, displayRoot: config.root });
  const loaded = buildDesiredState(read.files, desiredLoadOptions(config), read.diagnostics);
  if (!loaded.state) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    throw new InputError(
      `the desired state at ${input.ref} (${baseCommit.slice(0, 12)}) has ${errors.length} error${errors.length === 1 ? '' : 's'}, so there is nothing sound to compare with`,
      errors,
      'fix the base branch first, or plan without --base',
    );
  }
  const recorded = syntheticRecorded(loaded.state, baseCommit, input.now);
  const gate = createPolicyGate(input.policies ?? (await loadPoliciesOrThrow(config)), { now: () => input.now });
  const { plan, records } = planWithState({
    desired: head,
    recorded,
    now: input.now,
    ...(input.targets && input.targets.length > 0 ? { targets: input.targets } : {}),
    gitRevision: await gitRevision(config.root),
    policiesDigest: gate.digest,
    allowRebuild: gate.allowRebuild(recorded.resources),
  });
  return { plan: gate(plan, head, records), baseCommit, baseResources: loaded.state.resources.length };
}
