/**
 * The gate plan, apply, reconcile and the daemon share, and the rebuild guard it answers: a deny
 * anywhere means no order at all, and an image change is rebuilt only when the annotation or a
 * granting policy allows it.
 */
import { describe, expect, it } from 'vitest';
import { createPolicyGate, rebuildDecider, type PolicySet } from '../../src/policy/index.js';
import { planWithState, type Plan } from '../../src/plan/index.js';
import type { DesiredState } from '../../src/desired/index.js';
import { emptySnapshot, type StateSnapshot } from '../../src/state/index.js';
import type { AllowRebuild } from '../../src/policy/rebuild.js';
import { engine, makeRepo, sharedClock, simulator } from '../apply/support.js';
import { active, desired, desktop, exemption, IMAGE_A, IMAGE_B, IMAGE_X, NOW, policy, set } from './helpers.js';

const APPROVAL = policy(
  'rebuild-approval',
  '  enforcement: deny',
  '  allowRebuild: true',
  '  match: {kinds: [Desktop]}',
  '  rules:',
  '    - name: approved',
  "      expression: 'change == null || change.operation != \"rebuildDesktops\" || \"rebuild-approved-by\" in resource.labels'",
);

/** The desktop as desired now, and the recorded state in which it runs IMAGE_A. */
function rebuilding(options: { labels?: string; annotations?: string } = {}): { d: DesiredState; recorded: StateSnapshot } {
  const d = desired({ 'a.yaml': desktop('alice', { image: IMAGE_B, ...options }) });
  const before = { ...d.resources[0]!.spec, image_id: IMAGE_A };
  return { d, recorded: { ...emptySnapshot(), lineage: 'l-1', serial: 3, resources: { 'Desktop/alice': active('Desktop/alice', before, 'desk-0001') } } };
}

function planned(s: PolicySet, d: DesiredState, recorded: StateSnapshot): Plan {
  const gate = createPolicyGate(s, { now: () => NOW });
  const { plan, records } = planWithState({ desired: d, recorded, now: NOW, allowRebuild: gate.allowRebuild(recorded.resources), policiesDigest: gate.digest });
  return gate(plan, d, records);
}

describe('rebuilds allowed by policy', () => {
  it('a granting policy whose rules pass for the rebuild lets the planner order it', () => {
    const { d, recorded } = rebuilding({ labels: '{rebuild-approved-by: jane.doe}' });
    const p = planned(set({ 'r.yaml': APPROVAL }), d, recorded);
    expect(p.changes[0]).toMatchObject({ action: 'update', operation: 'rebuildDesktops', reason: expect.stringContaining('allowed by policy rebuild-approval') });
    expect(p.orders.map((o) => o.type)).toEqual(['rebuildDesktops']);
    expect(p.policy.denied).toBe(false);
  });

  it('without the approval the change stays blocked, with the reason', () => {
    const { d, recorded } = rebuilding();
    const p = planned(set({ 'r.yaml': APPROVAL }), d, recorded);
    expect(p.changes[0]).toMatchObject({ action: 'blocked', reason: expect.stringContaining('not allowed for Desktop/alice') });
    expect(p.orders).toEqual([]);
  });

  it('the annotation still allows it, and the policy still denies an unapproved rebuild', () => {
    const { d, recorded } = rebuilding({ annotations: '{workspace-gitops/allow-rebuild: "true"}' });
    const p = planned(set({ 'r.yaml': APPROVAL }), d, recorded);
    expect(p.changes[0]).toMatchObject({ operation: 'rebuildDesktops', reason: expect.stringContaining('allowed by annotation') });
    expect(p.policy.denied).toBe(true);
    expect(p.policy.violations).toEqual([expect.objectContaining({ policy: 'rebuild-approval', rule: 'approved', address: 'Desktop/alice', values: expect.objectContaining({ 'change.operation': 'rebuildDesktops' }) })]);
  });

  it('a granting policy sees the rebuild it is asked about and the recorded desktop', () => {
    const seen = policy(
      'grant-if-recorded',
      '  enforcement: audit',
      '  allowRebuild: true',
      '  rules:',
      "    - {name: r, expression: 'current.cloud_id == \"desk-0001\" && change.diff.exists(d, d.path == \"image_id\")'}",
    );
    const { d, recorded } = rebuilding();
    const allow: AllowRebuild = rebuildDecider(set({ 's.yaml': seen }), recorded.resources);
    expect(allow(d.resources[0]!)).toEqual({ allowed: true, by: 'policy grant-if-recorded' });
    expect(rebuildDecider(set({ 's.yaml': seen }), {})(d.resources[0]!)).toEqual({ allowed: false });
  });
});

describe('the gate', () => {
  it('fills plan.policy and binds the plan to the policies digest', () => {
    const d = desired({ 'a.yaml': desktop('alice', { image: IMAGE_X }) });
    const s = set({ 'p.yaml': policy('images', '  enforcement: warn', '  rules:', `    - {name: r, expression: 'resource.spec.image_id != "${IMAGE_X}"'}`) });
    const p = planned(s, d, emptySnapshot());
    expect(p.bound_to.policies_digest).toBe(s.digest);
    expect(p.policy).toMatchObject({ evaluated: 1, denied: false, violations: [expect.objectContaining({ enforcement: 'warn', address: 'Desktop/alice' })] });
    expect(p.orders).toHaveLength(1);
  });
});

describe('a deny blocks every order of the run, through reconcile', () => {
  const DENY = policy('images', '  enforcement: deny', '  rules:', `    - {name: approved, expression: 'resource.spec.image_id != "${IMAGE_X}"'}`);

  it('orders nothing — not even the desktops that pass — until the violation is exempted', async () => {
    const repo = makeRepo([desktop('alice'), desktop('bob', { image: IMAGE_X })]);
    const clock = sharedClock(NOW.getTime());
    const sim = await simulator({ now: clock.now });
    const run = engine(repo, sim, clock);

    const denied = await run.run({ ctx: { policy: createPolicyGate(set({ 'p.yaml': DENY }), { now: clock.now }) } });
    expect(denied.denied).toBe(true);
    expect(denied.rounds[0]!.plan.policy.violations.map((v) => v.address)).toEqual(['Desktop/bob']);
    expect(sim.simulator.orders()).toEqual([]);

    const exempted = set({ 'p.yaml': DENY, 'e.yaml': exemption('bob-legacy', '  policy: images', '  addresses: [Desktop/bob]', '  owner: platform', '  reason: legacy image until May', '  expires: 2027-05-31') });
    const allowed = await run.run({ maxRounds: 1, ctx: { policy: createPolicyGate(exempted, { now: clock.now }) } });
    expect(allowed.denied).toBe(false);
    expect(sim.simulator.orders().flatMap((o) => o.body.resources.flatMap((r) => r.create_desktops?.desktops?.map((x) => x.computer_name) ?? []))).toEqual(['alice', 'bob']);
  });
});
