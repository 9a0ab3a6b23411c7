/** Evaluating policies over resources and plans: what fails, how loudly, where it points and what it explains. */
import { describe, expect, it } from 'vitest';
import { evaluatePolicies, type PolicySet } from '../../src/policy/index.js';
import { plan, type Plan } from '../../src/plan/index.js';
import { emptySnapshot } from '../../src/state/index.js';
import type { DesiredState } from '../../src/desired/index.js';
import { desired, desktop, IMAGE_A, IMAGE_B, IMAGE_X, NOW, policy, pool, profile, set } from './helpers.js';

const IMAGES = `  params: {images: [${IMAGE_A}, ${IMAGE_B}]}`;

function imagePolicy(enforcement: string, ...extra: string[]): string {
  return policy(`images-${enforcement}`, `  enforcement: ${enforcement}`, '  match: {kinds: [Desktop, DesktopPool]}', IMAGES, '  rules:', '    - name: allowed', '      expression: resource.spec.image_id in params.images', ...extra);
}

const REPO = {
  'teams/a.yaml': desktop('alice', { labels: '{tier: prod, team: platform}' }),
  'teams/b.yaml': desktop('bob', { image: IMAGE_X, labels: '{tier: dev, team: platform}', data: [100, 2000] }),
  'shared/pool.yaml': pool('training', 20),
};

function evaluate(s: PolicySet, d: DesiredState = desired(REPO), p?: Plan) {
  return evaluatePolicies(s, { desired: d, now: NOW, ...(p ? { plan: p } : {}) });
}

describe('enforcement', () => {
  it('deny: the violation denies the whole report', () => {
    const { report } = evaluate(set({ 'p.yaml': imagePolicy('deny') }));
    expect(report.denied).toBe(true);
    expect(report.violations).toEqual([
      {
        policy: 'images-deny',
        rule: 'allowed',
        enforcement: 'deny',
        address: 'Desktop/bob',
        message: 'rule allowed failed: resource.spec.image_id in params.images',
        file: 'teams/b.yaml',
        line: 11,
        column: 13,
        values: { 'resource.spec.image_id': IMAGE_X, 'params.images': [IMAGE_A, IMAGE_B] },
      },
    ]);
    expect(report.evaluated).toBe(1);
  });

  it('warn and audit: reported, never denying', () => {
    for (const level of ['warn', 'audit']) {
      const { report } = evaluate(set({ 'p.yaml': imagePolicy(level) }));
      expect(report.denied).toBe(false);
      expect(report.violations.map((v) => `${v.enforcement} ${v.address}`)).toEqual([`${level} Desktop/bob`]);
    }
  });

  it('sorts deny before warn before audit', () => {
    const { report } = evaluate(set({ 'a.yaml': imagePolicy('audit'), 'd.yaml': imagePolicy('deny'), 'w.yaml': imagePolicy('warn') }));
    expect(report.violations.map((v) => v.enforcement)).toEqual(['deny', 'warn', 'audit']);
    expect(report.evaluated).toBe(3);
  });
});

describe('match and params', () => {
  it('selects resources by kind, label glob and name glob', () => {
    const names = (match: string) =>
      evaluate(set({ 'p.yaml': policy('p', '  enforcement: warn', `  match: ${match}`, '  rules:', '    - {name: r, expression: "false"}') })).report.violations.map((v) => v.address);
    expect(names('{kinds: [DesktopPool]}')).toEqual(['DesktopPool/training']);
    expect(names('{labels: {tier: prod}}')).toEqual(['Desktop/alice']);
    expect(names('{labels: {team: "*"}}')).toEqual(['DesktopPool/training', 'Desktop/alice', 'Desktop/bob']);
    expect(names('{names: ["b*", "train?ng"]}')).toEqual(['DesktopPool/training', 'Desktop/bob']);
    expect(names('{kinds: [Desktop], labels: {tier: dev}, names: [alice]}')).toEqual([]);
  });

  it('hands params to the rule, lists and maps included', () => {
    const { report } = evaluate(
      set({ 'p.yaml': policy('p', '  enforcement: deny', '  params: {max_gb: {prod: 500, dev: 1000}}', '  rules:', '    - name: data', '      expression: "!has(resource.spec.data_volumes) || resource.spec.data_volumes.all(v, v.size <= params.max_gb[resource.labels.tier])"') }),
    );
    expect(report.violations.map((v) => v.address)).toEqual(['Desktop/bob']);
  });
});

describe('messages', () => {
  it('uses the static message, or the messageExpression over the same variables', () => {
    const fixed = evaluate(set({ 'p.yaml': imagePolicy('deny', '      message: image not approved') })).report.violations[0]!;
    expect(fixed.message).toBe('image not approved');
    const computed = evaluate(set({ 'p.yaml': imagePolicy('deny', `      messageExpression: '"image " + resource.spec.image_id + " of " + resource.name + " is not approved"'`) })).report.violations[0]!;
    expect(computed.message).toBe(`image ${IMAGE_X} of bob is not approved`);
  });

  it('falls back to the static message when the messageExpression fails', () => {
    const v = evaluate(set({ 'p.yaml': imagePolicy('deny', '      message: image not approved', '      messageExpression: resource.spec.nothing_here') })).report.violations[0]!;
    expect(v.message).toBe('image not approved');
  });
});

describe('a rule that cannot decide fails', () => {
  it('an evaluation error (a missing field) is a violation that says why', () => {
    const { report } = evaluate(set({ 'p.yaml': policy('p', '  enforcement: deny', '  match: {kinds: [Desktop]}', '  rules:', '    - {name: r, expression: "resource.spec.data_volumes.size() < 2"}') }));
    expect(report.denied).toBe(true);
    const alice = report.violations.find((v) => v.address === 'Desktop/alice')!;
    expect(alice.message).toContain('the rule could not be evaluated: No such key: data_volumes');
    expect(alice.message).toContain('guard optional fields with has()');
    expect(alice.values).toEqual({ 'resource.spec.data_volumes': '(absent)' });
  });
});

describe('where a violation points', () => {
  it('at the field the rule names (field:), else at the first resource field it reads', () => {
    const named = evaluate(set({ 'p.yaml': policy('p', '  enforcement: deny', '  match: {names: [bob]}', '  rules:', '    - name: r', '      expression: "false"', '      field: spec.data_volumes[1].size') })).report.violations[0]!;
    expect([named.file, named.line, named.column]).toEqual(['teams/b.yaml', 14, 60]);
    const read = evaluate(set({ 'p.yaml': policy('p', '  enforcement: deny', '  match: {names: [bob]}', '  rules:', '    - {name: r, expression: "resource.labels.tier == \\"prod\\""}') })).report.violations[0]!;
    expect([read.file, read.line, read.column]).toEqual(['teams/b.yaml', 5, 18]);
    const nothing = evaluate(set({ 'p.yaml': policy('p', '  enforcement: deny', '  match: {names: [bob]}', '  rules:', '    - {name: r, expression: "false"}') })).report.violations[0]!;
    expect([nothing.file, nothing.line, nothing.column]).toEqual(['teams/b.yaml', 1, 1]);
  });

  it('at the DesktopProfile when the failing value came from it', () => {
    const d = desired({ 'profiles.yaml': profile('linux', IMAGE_X), 'a.yaml': desktop('alice', { profile: 'linux' }) });
    const v = evaluate(set({ 'p.yaml': imagePolicy('deny') }), d).report.violations[0]!;
    expect(v).toMatchObject({ address: 'Desktop/alice', file: 'profiles.yaml', line: 9, column: 13 });
  });
});

describe('plan scope', () => {
  const BLAST = policy(
    'blast',
    '  enforcement: deny',
    '  scope: plan',
    '  params: {max: 1}',
    '  rules:',
    '    - name: new-desktops',
    '      expression: plan.changes.filter(c, c.kind == "Desktop" && c.action == "create").size() <= params.max',
  );

  it('sees the whole plan; its violation has no address and points at the rule', () => {
    const d = desired(REPO);
    const p = plan({ desired: d, recorded: emptySnapshot(), now: NOW });
    const { report, skipped } = evaluate(set({ 'b.yaml': BLAST }), d, p);
    expect(skipped).toEqual([]);
    expect(report.violations).toEqual([expect.objectContaining({ policy: 'blast', address: null, file: 'b.yaml', line: 10, column: 19, enforcement: 'deny' })]);
    // A long list is summarized, not dumped into every report.
    expect(report.violations[0]!.values).toEqual({ 'plan.changes': '(a list of 3 items)', 'params.max': 1 });
  });

  it('is skipped without a plan (policy check)', () => {
    const { report, skipped } = evaluate(set({ 'b.yaml': BLAST }));
    expect(skipped).toEqual(['blast']);
    expect(report).toMatchObject({ evaluated: 0, violations: [], denied: false });
  });

  it('resource rules see their planned change', () => {
    const d = desired(REPO);
    const p = plan({ desired: d, recorded: emptySnapshot(), now: NOW });
    const s = set({ 'c.yaml': policy('creates', '  enforcement: audit', '  rules:', '    - {name: r, expression: "change == null || change.action != \\"create\\""}') });
    expect(evaluate(s, d, p).report.violations.map((v) => v.address)).toEqual(['DesktopPool/training', 'Desktop/alice', 'Desktop/bob']);
    expect(evaluate(s, d).report.violations).toEqual([]);
  });
});

describe('time budget', () => {
  it('stops a rule that runs too long, counts it as failed and says so', () => {
    const d = desired({ 'a.yaml': desktop('alice'), 'b.yaml': desktop('bob') });
    const s = set({
      'slow.yaml': policy('slow', '  enforcement: deny', `  params: {n: [${Array.from({ length: 300 }, (_, i) => i).join(', ')}]}`, '  rules:', '    - name: cubic', '      expression: params.n.all(a, params.n.all(b, params.n.all(c, a + b + c >= 0)))'),
    });
    const started = performance.now();
    const { report } = evaluatePolicies(s, { desired: d, now: NOW, ruleBudgetMs: 50 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(report.denied).toBe(true);
    expect(report.violations).toEqual([expect.objectContaining({ address: 'Desktop/alice', message: expect.stringContaining('ran out of its 50 ms time budget while checking Desktop/alice; 1 more resources were not checked') })]);
    expect(report.warnings).toEqual(['Policy/slow rule cubic was stopped after 50 ms at Desktop/alice; it counts as failed (deny)']);
  });

  it('stops a catastrophically backtracking regular expression', () => {
    const d = desired({ 'a.yaml': desktop('alice') });
    const s = set({ 'r.yaml': policy('re', '  enforcement: warn', `  params: {s: ${'a'.repeat(40)}b}`, '  rules:', "    - {name: r, expression: 'params.s.matches(\"^(a+)+$\")'}") });
    const { report } = evaluatePolicies(s, { desired: d, now: NOW, ruleBudgetMs: 50 });
    expect(report.violations[0]!.message).toContain('time budget');
  });
});
