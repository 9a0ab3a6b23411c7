/** Loading the policies folder: schema problems and CEL errors at the exact file:line:column, cross-references checked. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicySet } from '../../src/policy/index.js';
import { at, exemption, lines, loadSet, policy, set } from './helpers.js';

const RULE = ['  enforcement: deny', '  rules:', '    - name: ok', '      expression: "true"'];

describe('policy documents', () => {
  it('loads a policy, its exemption and its test, sorted by name', () => {
    const s = set({
      'b.yaml': policy('b-policy', ...RULE),
      'a.yaml': policy('a-policy', ...RULE, '  scope: resource'),
      'e.yaml': exemption('keep', '  policy: a-policy', '  addresses: ["Desktop/x"]', '  owner: platform', '  reason: migration', '  expires: 2027-01-31'),
    });
    expect(s.policies.map((p) => p.name)).toEqual(['a-policy', 'b-policy']);
    expect(s.exemptions[0]).toMatchObject({ name: 'keep', policy: 'a-policy', expiresAt: new Date('2027-02-01T00:00:00.000Z') });
    expect(s.policies[0]!.rules[0]!.source).toEqual({ file: 'a.yaml', line: 8, column: 19 });
    expect(s.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports schema problems with the rule that was broken and what is allowed', () => {
    const r = loadSet({ 'p.yaml': policy('p', '  enforcement: block', '  scope: cluster', '  rules: []', '  matchh: {}') });
    expect(r.set).toBeUndefined();
    expect(r.diagnostics.map(at)).toEqual(['enforcement p.yaml:5:16', 'scope p.yaml:6:10', 'rules p.yaml:7:10', 'unknown-field p.yaml:8:3']);
    expect(r.diagnostics[0]!.allowed).toBe('deny, warn, audit');
    expect(r.diagnostics[3]!.message).toContain('did you mean "match"');
  });

  it('refuses desired-state kinds and unknown kinds in the policies folder', () => {
    const r = loadSet({ 'x.yaml': lines('apiVersion: workspace-gitops/v1', 'kind: Desktop', 'metadata: {name: d}', 'spec: {}', '---', 'kind: Polcy', 'metadata: {name: p}') });
    expect(r.diagnostics.map(at)).toEqual(['wrong-folder x.yaml:2:7', 'unknown-kind x.yaml:6:7']);
    expect(r.diagnostics[1]!.message).toContain('did you mean "Policy"');
  });

  it('refuses duplicate policies and duplicate rule names', () => {
    const r = loadSet({
      'a.yaml': policy('p', ...RULE),
      'b.yaml': policy('p', '  enforcement: warn', '  rules:', '    - {name: r, expression: "true"}', '    - {name: r, expression: "false"}'),
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(at)).toEqual(['duplicate-name b.yaml:3:18']);
    expect(r.diagnostics.find((d) => d.rule === 'duplicate-name')!.message).toBe('Policy/p is already declared at a.yaml:3:18');
    const dup = loadSet({ 'b.yaml': policy('q', '  enforcement: warn', '  rules:', '    - {name: r, expression: "true"}', '    - {name: r, expression: "false"}') });
    expect(dup.diagnostics.filter((d) => d.severity === 'error').map(at)).toEqual(['duplicate-rule b.yaml:8:14']);
  });

  it('warns about a policy no PolicyTest covers', () => {
    const r = loadSet({ 'a.yaml': policy('p', ...RULE) });
    expect(r.set).toBeDefined();
    expect(r.diagnostics.map((d) => `${d.severity} ${at(d)}`)).toEqual(['warning untested-policy a.yaml:3:18']);
  });

  it('treats a missing policies folder as no policies, and says so on every evaluation', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wsgo-policy-load-'));
    try {
      const r = await loadPolicySet(path.join(root, 'policies'), { displayRoot: root });
      expect(r.diagnostics).toEqual([]);
      expect(r.set).toMatchObject({ policies: [], digest: null, notes: ['no policies folder at policies: no policy was evaluated'] });
      writeFileSync(path.join(root, 'policies'), 'not a folder');
      const file = await loadPolicySet(path.join(root, 'policies'), { displayRoot: root });
      expect(file.diagnostics.map(at)).toEqual(['folder policies:1:1']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('CEL compile errors point into the expression', () => {
  function errorsOf(...ruleLines: string[]): string[] {
    const r = loadSet({ 'p.yaml': policy('p', '  enforcement: deny', '  rules:', ...ruleLines) });
    expect(r.set).toBeUndefined();
    return r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${at(d)} ${d.message}`);
  }

  it('a syntax error in a literal block scalar, on its second line', () => {
    // line 8 is `expression: |`; the bad token `*` is on line 10, column 31.
    expect(errorsOf('    - name: block', '      expression: |', '        resource.spec.size > 1 &&', '          resource.spec.size +* 2')).toEqual([
      'cel-syntax p.yaml:10:31 rule block: Unexpected token: MULTIPLY',
    ]);
  });

  it('an unknown variable in a folded block scalar', () => {
    expect(errorsOf('    - name: folded', '      expression: >', '        resource.spec.a ==', '        "x" && foo.bar')).toEqual(['cel-type p.yaml:10:16 rule folded: Unknown variable: foo']);
  });

  it('a type error in a double-quoted scalar with escapes before it', () => {
    expect(errorsOf('    - name: quoted', '      expression: "resource.spec.a == \\"x\\" && 1 + \\"a\\" == 2"')).toEqual(['cel-type p.yaml:8:48 rule quoted: no such overload: int + string']);
  });

  it('an expression that does not return a bool, in a plain scalar', () => {
    const [error] = errorsOf('    - name: plain', '      expression: resource.spec.size + 1');
    expect(error).toBe('cel-result-type p.yaml:8:19 rule plain: the expression returns int; it must return a bool (true when the rule passes)');
  });

  it('a broken literal regular expression, at the pattern', () => {
    const [error] = errorsOf('    - name: regex', "      expression: 'resource.name.matches(\"a(\")'");
    expect(error).toMatch(/^cel-regex p\.yaml:8:42 rule regex: invalid regular expression/);
  });

  it('a variable of the other scope, and a messageExpression that is not a string', () => {
    expect(errorsOf('    - name: scope', '      expression: plan.changes.size() < 3')).toEqual(['cel-type p.yaml:8:19 rule scope: Unknown variable: plan']);
    expect(errorsOf('    - name: msg', '      expression: "true"', '      messageExpression: size(resource.spec)')).toEqual([
      'cel-result-type p.yaml:9:26 messageExpression of rule msg: the expression returns int; it must return a string',
    ]);
  });

  it('an expression over the structural limits', () => {
    const [error] = errorsOf('    - name: big', `      expression: "${Array.from({ length: 1100 }, () => '1').join(' + ')} > 0"`);
    expect(error).toMatch(/^cel-limit p\.yaml:8:\d+ rule big: Exceeded maxAstNodes \(2000\)/);
  });
});

describe('references between documents', () => {
  it('an exemption must name a real policy and its rules, and a real date', () => {
    const r = loadSet({
      'p.yaml': policy('images', ...RULE),
      'e.yaml':
        exemption('a', '  policy: imags', '  addresses: ["*"]', '  owner: me', '  reason: why', '  expires: 2027-01-01') +
        '---\n' +
        exemption('b', '  policy: images', '  rules: [okk]', '  addresses: ["*"]', '  owner: me', '  reason: why', '  expires: 2027-02-30'),
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(at)).toEqual(['unknown-policy e.yaml:5:11', 'unknown-rule e.yaml:16:11', 'expires e.yaml:20:12']);
    expect(r.diagnostics.find((d) => d.rule === 'unknown-policy')!.message).toBe('no Policy named "imags"; did you mean "images"?');
  });

  it('a plan-scope policy takes no match, no field and grants no rebuilds', () => {
    const r = loadSet({
      'p.yaml': policy('p', '  enforcement: deny', '  scope: plan', '  allowRebuild: true', '  match: {kinds: [Desktop]}', '  rules:', '    - {name: r, expression: "true", field: spec.size}'),
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(at)).toEqual(['allow-rebuild p.yaml:7:17', 'plan-scope-match p.yaml:8:10', 'rule-field p.yaml:10:44']);
  });

  it('a test case must give the inputs its policy scope needs', () => {
    const r = loadSet({
      'p.yaml': policy('p', ...RULE),
      't.yaml': lines(
        'apiVersion: workspace-gitops/v1',
        'kind: PolicyTest',
        'metadata: {name: t}',
        'spec:',
        '  policy: p',
        '  cases:',
        '    - name: no resource',
        '      expect: pass',
        '    - name: rules without fail',
        '      resource: {kind: Desktop, name: d, spec: {}}',
        '      expect: pass',
        '      rules: [ok]',
      ),
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(at)).toEqual(['test-input t.yaml:7:7', 'test-rules t.yaml:12:14']);
  });
});
