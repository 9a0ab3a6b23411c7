/** Exemptions: who they cover, until when, and what the report says when they lapse. */
import { describe, expect, it } from 'vitest';
import { evaluatePolicies, type PolicySet } from '../../src/policy/index.js';
import { plan } from '../../src/plan/index.js';
import { emptySnapshot } from '../../src/state/index.js';
import { desired, desktop, exemption, IMAGE_X, policy, set } from './helpers.js';

const REPO = {
  'a.yaml': desktop('fin-dana', { image: IMAGE_X, root: 300 }),
  'b.yaml': desktop('fin-erik', { image: IMAGE_X }),
  'c.yaml': desktop('ops-olga', { image: IMAGE_X }),
};

const POLICY = policy(
  'standards',
  '  enforcement: deny',
  '  rules:',
  `    - {name: image, expression: 'resource.spec.image_id != "${IMAGE_X}"'}`,
  '    - {name: root, expression: resource.spec.root_volume.size <= 200}',
);

function exempt(...spec: string[]): PolicySet {
  return set({ 'p.yaml': POLICY, 'e.yaml': exemption('finance-migration', '  policy: standards', '  owner: finance-it', '  reason: old image until the migration in Q1', ...spec) });
}

function run(s: PolicySet, now: string) {
  return evaluatePolicies(s, { desired: desired(REPO), now: new Date(now) }).report;
}

const shown = (r: ReturnType<typeof run>) => r.violations.map((v) => `${v.rule} ${v.address}${v.exempted_by ? ` exempt:${v.exempted_by}` : ''}`);

describe('exemptions', () => {
  it('an active exemption marks the violations it covers; they no longer deny', () => {
    const r = run(exempt('  addresses: ["Desktop/fin-*", "Desktop/ops-olga"]', '  expires: 2027-01-31'), '2027-01-31T23:59:59Z');
    expect(shown(r)).toEqual(['image Desktop/fin-dana exempt:finance-migration', 'root Desktop/fin-dana exempt:finance-migration', 'image Desktop/fin-erik exempt:finance-migration', 'image Desktop/ops-olga exempt:finance-migration']);
    expect(r.denied).toBe(false);
    expect(r.warnings).toEqual([]);
  });

  it('covers only the addresses its globs match', () => {
    const r = run(exempt('  addresses: ["Desktop/fin-*"]', '  expires: 2027-01-31'), '2027-01-01T00:00:00Z');
    expect(shown(r)).toContain('image Desktop/ops-olga');
    expect(r.denied).toBe(true);
  });

  it('a rule-scoped exemption leaves the other rules of the policy in force', () => {
    const r = run(exempt('  rules: [image]', '  addresses: ["*"]', '  expires: 2027-01-31'), '2027-01-01T00:00:00Z');
    expect(shown(r)).toEqual(['image Desktop/fin-dana exempt:finance-migration', 'root Desktop/fin-dana', 'image Desktop/fin-erik exempt:finance-migration', 'image Desktop/ops-olga exempt:finance-migration']);
    expect(r.denied).toBe(true);
  });

  it('an expired exemption no longer applies, and the report says whose it was', () => {
    const r = run(exempt('  addresses: ["*"]', '  expires: 2027-01-31'), '2027-02-01T00:00:00Z');
    expect(r.violations.every((v) => v.exempted_by === undefined)).toBe(true);
    expect(r.denied).toBe(true);
    expect(r.warnings).toEqual([
      'PolicyExemption/finance-migration (e.yaml:3) expired on 2027-01-31 and no longer applies to Policy/standards; owner: finance-it. Renew it with a new expires date, or delete it',
    ]);
  });

  it('expires at the exact instant of a date-time', () => {
    const s = exempt('  addresses: ["*"]', '  expires: 2027-01-31T12:00:00+01:00');
    expect(run(s, '2027-01-31T10:59:59Z').denied).toBe(false);
    expect(run(s, '2027-01-31T11:00:00Z').denied).toBe(true);
  });

  it('"plan" covers the violations of plan-scope rules', () => {
    const s = set({
      'p.yaml': policy('blast', '  enforcement: deny', '  scope: plan', '  rules:', '    - {name: few, expression: plan.changes.size() < 2}'),
      'e.yaml': exemption('initial-rollout', '  policy: blast', '  addresses: [plan]', '  owner: platform', '  reason: first rollout of the finance team', '  expires: 2027-01-31'),
    });
    const d = desired(REPO);
    const report = evaluatePolicies(s, { desired: d, plan: plan({ desired: d, recorded: emptySnapshot(), now: new Date('2027-01-01T00:00:00Z') }), now: new Date('2027-01-01T00:00:00Z') }).report;
    expect(report.violations).toEqual([expect.objectContaining({ policy: 'blast', address: null, exempted_by: 'initial-rollout' })]);
    expect(report.denied).toBe(false);
  });
});
