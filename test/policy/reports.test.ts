/**
 * The report formats: SARIF 2.1.0 (validated against a schema, pointing at the failing YAML values),
 * JUnit XML, GitHub Actions annotations and the terminal text.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { evaluatePolicies, runPolicyTests } from '../../src/policy/index.js';
import { plan } from '../../src/plan/index.js';
import { emptySnapshot } from '../../src/state/index.js';
import type { PolicyReportJson } from '../../src/plan/types.js';
import { renderSarif, fileUri } from '../../src/render/sarif.js';
import { renderPolicyCheckJUnit, renderPolicyTestJUnit, xmlEscape } from '../../src/render/junit.js';
import { renderGithubAnnotations } from '../../src/render/annotations.js';
import { renderPolicyText } from '../../src/render/policy-text.js';
import { plain } from '../../src/render/style.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { policyInfo } from '../../src/cli/commands/policy.js';
import { desired, desktop, exemption, files, IMAGE_X, lines, NOW, policy, set } from './helpers.js';

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const require = createRequire(import.meta.url);

const REPO = {
  'desired state/a.yaml': desktop('alice', { image: IMAGE_X }),
  'desired state/b.yaml': desktop('bob', { root: 300 }),
};
const POLICIES = {
  'policies/images.yaml': policy('images', '  enforcement: deny', '  rules:', `    - name: approved`, `      expression: 'resource.spec.image_id != "${IMAGE_X}"'`, '      message: "image not approved: 100% sure, see <docs> & \\"notes\\""'),
  'policies/disks.yaml': policy('disks', '  enforcement: warn', '  rules:', '    - {name: root, expression: resource.spec.root_volume.size <= 200}'),
  'policies/audit.yaml': policy('everything', '  enforcement: audit', '  rules:', '    - {name: seen, expression: "false"}'),
  'policies/blast.yaml': policy('blast', '  enforcement: deny', '  scope: plan', '  rules:', '    - {name: few, expression: plan.changes.size() < 2}'),
  'policies/exempt.yaml': exemption('bob-disk', '  policy: disks', '  addresses: [Desktop/bob]', '  owner: design', '  reason: scratch', '  expires: 2027-12-31'),
};

function report(withExemption = false): { report: PolicyReportJson; set: ReturnType<typeof set> } {
  const entries: Record<string, string> = { ...POLICIES };
  if (!withExemption) delete entries['policies/exempt.yaml'];
  const s = set(entries);
  const d = desired(REPO);
  return { report: evaluatePolicies(s, { desired: d, plan: plan({ desired: d, recorded: emptySnapshot(), now: NOW }), now: NOW }).report, set: s };
}

function lineAt(file: string, line: number): string {
  const text = files({ ...REPO, ...POLICIES }).find((f) => f.file === file)!.text;
  return text.split('\n')[line - 1]!;
}

function validator(schemaFile: string) {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  // The official schema is draft-04: `id` and `$schema` are its only draft-specific keywords, so it is read as draft-07.
  if (typeof schema['id'] === 'string') {
    schema['$id'] = schema['id'];
    delete schema['id'];
  }
  delete schema['$schema'];
  // The official schema's language pattern is not a valid `u`-flag regular expression; ajv must compile patterns without it.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema as AnySchema);
}

describe('SARIF 2.1.0', () => {
  const { report: r, set: s } = report(true);
  const log = JSON.parse(renderSarif(r, { toolVersion: '1.2.3', policies: policyInfo(s) })) as {
    version: string;
    runs: { tool: { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[]; suppressions?: unknown[] }[] }[];
  };

  it('validates against the official SARIF 2.1.0 schema', () => {
    // The OASIS schema (2.1.0 rtm.5, the final 2.1.0) as shipped in the @microsoft/jest-sarif dev dependency.
    const official = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const validate = validator(official);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(log.version).toBe('2.1.0');
  });

  it('also satisfies the stricter structural checks written from the SARIF spec', () => {
    const structural = validator(path.join(FIXTURES, 'sarif-2.1.0-structural.schema.json'));
    expect(structural(log) ? [] : structural.errors).toEqual([]);
  });

  it('has one rule per policy rule, and every result names its rule by id and index', () => {
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((x) => `${x.id} ${x.defaultConfiguration.level}`)).toEqual(['blast/few error', 'disks/root warning', 'everything/seen note', 'images/approved error']);
    for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
  });

  it('points each result at the failing value in the YAML, and marks exemptions as accepted suppressions', () => {
    const results = log.runs[0]!.results;
    const image = results.find((x) => x.ruleId === 'images/approved')!;
    const at = image.locations![0]!.physicalLocation;
    expect(at.artifactLocation.uri).toBe('desired%20state/a.yaml');
    expect(lineAt('desired state/a.yaml', at.region.startLine).slice(at.region.startColumn - 1)).toBe(IMAGE_X);
    expect(image.level).toBe('error');
    expect(image.message.text).toContain(`Desktop/alice: image not approved`);
    expect(image.message.text).toContain(`resource.spec.image_id = ${IMAGE_X}`);
    const disk = results.find((x) => x.ruleId === 'disks/root')!;
    expect(disk.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'PolicyExemption/bob-disk' }]);
    const blast = results.find((x) => x.ruleId === 'blast/few')!.locations![0]!.physicalLocation;
    expect(lineAt('policies/blast.yaml', blast.region.startLine).slice(blast.region.startColumn - 1)).toBe('plan.changes.size() < 2}');
  });

  it('encodes paths as URI references', () => {
    expect(fileUri('desired state/teams/ä#1.yaml')).toBe('desired%20state/teams/%C3%A4%231.yaml');
    expect(fileUri('/abs/x y.yaml')).toBe('file:///abs/x%20y.yaml');
  });
});

/** A minimal well-formedness check: every tag closes in order, and no raw & or < in text. */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z-]+)((?:\s+[a-z]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/g)) {
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[5])) return false;
      continue;
    }
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else if (m[4] !== '/') stack.push(m[2]!);
  }
  return stack.length === 0 && !/<(?![A-Za-z/?])/.test(body);
}

describe('JUnit XML', () => {
  it('policy check: a failing test case per denying rule, warnings in system-out, plan scope skipped without a plan', () => {
    const { 'policies/exempt.yaml': _exempt, ...unexempted } = POLICIES;
    const s = set(unexempted);
    const outcome = evaluatePolicies(s, { desired: desired(REPO), now: NOW });
    const xml = renderPolicyCheckJUnit(outcome.report, policyInfo(s), outcome.skipped);
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toContain('<testsuites name="workspace-gitops policy check" tests="4" failures="1" errors="0" skipped="1">');
    expect(xml).toContain('<failure type="deny" message="1 resource(s) denied by images/approved">Desktop/alice (desired state/a.yaml:10:13): image not approved: 100% sure, see &lt;docs&gt; &amp; &quot;notes&quot;</failure>');
    expect(xml).toContain('<system-out>warning: Desktop/bob (desired state/b.yaml:11:34): rule root failed: resource.spec.root_volume.size &lt;= 200</system-out>');
    expect(xml).toContain('<skipped message="plan-scope policy: checked by plan"/>');
    // Audit results are for the JSON report only: the rule shows as a plain passing case.
    expect(xml).toContain('<testcase classname="policy.everything" name="seen"></testcase>');
  });

  it('policy test: a test case per case, failures with expected and actual', () => {
    const s = set({
      ...POLICIES,
      'policies/t.yaml': lines('apiVersion: workspace-gitops/v1', 'kind: PolicyTest', 'metadata: {name: images}', 'spec:', '  policy: images', '  cases:', '    - {name: "a <bad> case", resource: {kind: Desktop, name: d, spec: {image_id: x}}, expect: fail}'),
    });
    const xml = renderPolicyTestJUnit(runPolicyTests(s));
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toContain('<testcase classname="policytest.images" name="a &lt;bad&gt; case" file="policies/t.yaml" line="7">');
    expect(xml).toContain('message="expected fail, got pass"');
  });

  it('drops characters XML cannot hold', () => {
    expect(xmlEscape('a\u0000b\u001bc')).toBe('abc');
  });
});

describe('GitHub Actions annotations', () => {
  it('errors for deny, warnings for warn and lapsed exemptions; audit and exempted stay out', () => {
    const { report: r } = report(true);
    const text = renderGithubAnnotations({ ...r, warnings: ['PolicyExemption/x expired: 50%\nrenew it'] });
    expect(text.trimEnd().split('\n')).toEqual([
      '::error file=policies/blast.yaml,line=8,col=31,title=policy blast/few::rule few failed: plan.changes.size() < 2',
      '::error file=desired state/a.yaml,line=10,col=13,title=policy images/approved (Desktop/alice)::image not approved: 100%25 sure, see <docs> & "notes"',
      '::warning title=workspace-gitops policy::PolicyExemption/x expired: 50%25%0Arenew it',
    ]);
  });

  it('escapes commas and colons inside properties', () => {
    const text = renderGithubAnnotations({ evaluated: 1, denied: true, warnings: [], violations: [{ policy: 'p', rule: 'r', enforcement: 'deny', address: 'Desktop/a', message: 'm', file: 'a,b:c.yaml', line: 2, column: 3 }] });
    expect(text).toBe('::error file=a%2Cb%3Ac.yaml,line=2,col=3,title=policy p/r (Desktop/a)::m\n');
  });
});

describe('terminal text', () => {
  it('shows deny and warn with place, message, values and exemption; audit stays out', () => {
    const text = renderPolicyText(report(true).report, plain);
    expect(text).toContain('  DENY images/approved Desktop/alice at desired state/a.yaml:10:13\n      image not approved: 100% sure');
    expect(text).toContain(`      resource.spec.image_id = ${IMAGE_X}`);
    expect(text).toContain('  EXEMPT warn disks/root Desktop/bob at desired state/b.yaml:11:34');
    expect(text).toContain('      exempted by PolicyExemption/bob-disk');
    expect(text).toContain('  DENY blast/few (the plan) at policies/blast.yaml:8:31\n      rule few failed: plan.changes.size() < 2\n      plan.changes = (a list of 2 items)');
    expect(text).not.toContain('everything/seen');
    expect(text.trimEnd().split('\n').at(-1)).toBe('  Denied by policy: no order will be placed, for any resource.');
  });
});

describe('PR comment (markdown)', () => {
  it('lists deny and warn with values, the exemption that covers one, and the warnings', () => {
    const s = set(POLICIES);
    const d = desired(REPO);
    const p = plan({ desired: d, recorded: emptySnapshot(), now: NOW });
    const r = evaluatePolicies(s, { desired: d, plan: p, now: NOW }).report;
    const md = renderPlanMarkdown({ ...p, policy: { ...r, warnings: ['PolicyExemption/old expired on 2026-01-01'] } });
    expect(md).toContain(`| ⛔ deny | \`images/approved\` | \`Desktop/alice\` | image not approved: 100% sure, see &lt;docs&gt; & "notes"<br>\`resource.spec.image_id\` = ${IMAGE_X} | \`desired state/a.yaml:10:13\` |`);
    expect(md).toContain('| 🟢 exempt (bob-disk) | `disks/root` | `Desktop/bob` |');
    expect(md).toContain('> ⚠️ PolicyExemption/old expired on 2026-01-01');
    expect(md).not.toContain('everything/seen');
  });
});
