/** `policy test`: a case passes when the outcome is the expected one, and a failing case says what it expected and what happened. */
import { describe, expect, it } from 'vitest';
import { runPolicyTests } from '../../src/policy/index.js';
import { lines, policy, set } from './helpers.js';

const SIZE = policy(
  'pool-size',
  '  enforcement: deny',
  '  match: {kinds: [DesktopPool]}',
  '  params: {max: 100}',
  '  rules:',
  '    - name: cap',
  '      expression: resource.spec.size <= params.max',
  `      messageExpression: '"pool of " + string(resource.spec.size)'`,
  '    - name: even',
  '      expression: resource.spec.size % 2 == 0',
);

function suite(...cases: string[]): string {
  return lines('apiVersion: workspace-gitops/v1', 'kind: PolicyTest', 'metadata: {name: pool-size-test}', 'spec:', '  policy: pool-size', '  cases:', ...cases);
}

const poolCase = (name: string, size: number, ...rest: string[]) => [`    - name: ${name}`, `      resource: {kind: DesktopPool, name: p, spec: {size: ${size}}}`, ...rest];

describe('policy test', () => {
  it('passes cases whose outcome is the expected one: pass, fail (these rules, this message) or skip', () => {
    const run = runPolicyTests(
      set({
        'p.yaml': SIZE,
        't.yaml': suite(
          ...poolCase('under the cap', 20, '      expect: pass'),
          ...poolCase('over the cap', 101, '      expect: fail', '      rules: [cap, even]', '      messageContains: pool of 101'),
          '    - name: not a pool',
          '      resource: {kind: Desktop, name: d, spec: {}}',
          '      expect: skip',
          ...poolCase('a smaller cap from the case', 20, '      params: {max: 10}', '      expect: fail', '      rules: [cap]'),
        ),
      }),
    );
    expect(run.results.map((r) => `${r.ok ? 'ok' : 'FAILED'} ${r.case}: ${r.actual}`)).toEqual([
      'ok under the cap: pass',
      'ok over the cap: fail',
      'ok not a pool: skip',
      'ok a smaller cap from the case: fail',
    ]);
    expect(run).toMatchObject({ passed: 4, failed: 0, untested: [] });
  });

  it('a failing case shows the expected and the actual outcome, with the failures', () => {
    const run = runPolicyTests(
      set({
        'p.yaml': SIZE,
        't.yaml': suite(
          ...poolCase('wrongly expected to pass', 150, '      expect: pass'),
          ...poolCase('wrong rules', 101, '      expect: fail', '      rules: [cap]'),
          ...poolCase('wrong message', 102, '      expect: fail', '      messageContains: pool of 999'),
          ...poolCase('wrongly expected to fail', 50, '      expect: fail'),
        ),
      }),
    );
    expect(run.results.map((r) => r.problem)).toEqual([
      'expected pass, got fail (cap)',
      'expected fail (cap), got fail (cap, even)',
      'expected a message containing "pool of 999", got "pool of 102"',
      'expected fail, got pass',
    ]);
    expect(run.results[0]).toMatchObject({ ok: false, expected: 'pass', actual: 'fail', failed: [{ rule: 'cap', message: 'pool of 150' }], source: { file: 't.yaml', line: 7, column: 13 } });
    expect(run).toMatchObject({ passed: 0, failed: 4 });
  });

  it('plan-scope policies are tested with a plan', () => {
    const run = runPolicyTests(
      set({
        'p.yaml': policy('few', '  enforcement: deny', '  scope: plan', '  rules:', '    - {name: r, expression: plan.changes.size() <= 1}'),
        't.yaml': lines(
          'apiVersion: workspace-gitops/v1',
          'kind: PolicyTest',
          'metadata: {name: few}',
          'spec:',
          '  policy: few',
          '  cases:',
          '    - {name: empty plan, plan: {}, expect: pass}',
          '    - {name: two changes, plan: {changes: [{action: create}, {action: create}]}, expect: fail}',
        ),
      }),
    );
    expect(run.results.map((r) => r.ok)).toEqual([true, true]);
  });

  it('lists the policies no test covers', () => {
    expect(runPolicyTests(set({ 'p.yaml': SIZE })).untested).toEqual(['pool-size']);
  });
});
