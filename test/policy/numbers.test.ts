/** Numbers from YAML behave as a user reading the rule expects: whole numbers are CEL ints, fractions doubles. */
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../src/policy/index.js';
import { fromCel, toCel } from '../../src/policy/values.js';
import { desired, desktop, NOW, policy, set } from './helpers.js';

function verdicts(expression: string, root = 80): boolean {
  const s = set({ 'p.yaml': policy('p', '  enforcement: deny', '  params: {limit: 200, ratio: 1.5}', '  rules:', `    - name: r`, `      expression: '${expression}'`) });
  const d = desired({ 'd.yaml': desktop('alice', { root }) });
  return evaluatePolicies(s, { desired: d, now: NOW }).report.violations.length === 0;
}

describe('numbers in rules', () => {
  it('adds an int literal to a size from YAML: size + 10 <= 200', () => {
    expect(verdicts('resource.spec.root_volume.size + 10 <= 200', 190)).toBe(true);
    expect(verdicts('resource.spec.root_volume.size + 10 <= 200', 200)).toBe(false);
  });

  it('compares YAML numbers with params and with double literals', () => {
    expect(verdicts('resource.spec.root_volume.size <= params.limit')).toBe(true);
    expect(verdicts('resource.spec.root_volume.size * 2 == 160')).toBe(true);
    expect(verdicts('resource.spec.root_volume.size < 80.5')).toBe(true);
    expect(verdicts('double(resource.spec.root_volume.size) * params.ratio == 120.0')).toBe(true);
  });

  it('divides whole numbers as integers, as CEL does', () => {
    expect(verdicts('resource.spec.root_volume.size / 3 == 26')).toBe(true);
  });

  it('converts values in and out of CEL', () => {
    expect(toCel({ a: 3, b: 1.5, c: [1, 'x', null], d: true })).toEqual({ a: 3n, b: 1.5, c: [1n, 'x', null], d: true });
    expect(fromCel({ a: 3n, b: [1.5, 2n ** 60n], m: new Map([['k', 1n]]) })).toEqual({ a: 3, b: [1.5, '1152921504606846976'], m: { k: 1 } });
  });
});
