/**
 * JUnit XML for CI dashboards. `policy check`: a suite per policy, a test case per rule that fails
 * when the rule denies any resource (warnings go to system-out, audit is left out); plan-scope
 * policies show as skipped. `policy test`: a suite per PolicyTest, a test case per case.
 */
import type { PolicyReportJson, PolicyViolationJson } from '../plan/types.js';
import type { TestRun } from '../policy/testing.js';
import type { SarifPolicyInfo } from './sarif.js';
import { whereOf } from './policy-text.js';

/** Characters XML 1.0 can hold at all (tab, newline, carriage return and the non-control ranges). */
function xmlAllowed(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
}

/** XML text and attribute escaping; characters XML 1.0 cannot hold are dropped. */
export function xmlEscape(text: string): string {
  let kept = '';
  for (const ch of text) if (xmlAllowed(ch.codePointAt(0)!)) kept += ch;
  return kept.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function violationLine(v: PolicyViolationJson): string {
  const where = whereOf(v);
  return `${v.address ?? 'the plan'}${where ? ` (${where})` : ''}: ${v.message}`;
}

export function renderPolicyCheckJUnit(report: PolicyReportJson, policies: readonly SarifPolicyInfo[], skipped: readonly string[]): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skips = 0;
  for (const p of policies) {
    const cases: string[] = [];
    let suiteFailures = 0;
    const isSkipped = skipped.includes(p.name);
    for (const r of p.rules) {
      const mine = report.violations.filter((v) => v.policy === p.name && v.rule === r.name && v.exempted_by === undefined && v.enforcement !== 'audit');
      const denied = mine.filter((v) => v.enforcement === 'deny');
      const warned = mine.filter((v) => v.enforcement === 'warn');
      const open = `    <testcase${attrs({ classname: `policy.${p.name}`, name: r.name })}>`;
      if (isSkipped) {
        cases.push(`${open}\n      <skipped${attrs({ message: 'plan-scope policy: checked by plan' })}/>\n    </testcase>`);
        continue;
      }
      const body: string[] = [];
      if (denied.length > 0) {
        suiteFailures++;
        body.push(`      <failure${attrs({ type: 'deny', message: `${denied.length} resource(s) denied by ${p.name}/${r.name}` })}>${xmlEscape(denied.map(violationLine).join('\n'))}</failure>`);
      }
      if (warned.length > 0) body.push(`      <system-out>${xmlEscape(warned.map((v) => `warning: ${violationLine(v)}`).join('\n'))}</system-out>`);
      cases.push(body.length > 0 ? `${open}\n${body.join('\n')}\n    </testcase>` : `${open}</testcase>`);
    }
    tests += p.rules.length;
    failures += suiteFailures;
    if (isSkipped) skips += p.rules.length;
    suites.push(`  <testsuite${attrs({ name: `Policy/${p.name}`, tests: p.rules.length, failures: suiteFailures, errors: 0, skipped: isSkipped ? p.rules.length : 0 })}>\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: 'workspace-gitops policy check', tests, failures, errors: 0, skipped: skips })}>\n${suites.join('\n')}\n</testsuites>\n`;
}

export function renderPolicyTestJUnit(run: TestRun): string {
  const bySuite = new Map<string, TestRun['results']>();
  for (const r of run.results) bySuite.set(r.suite, [...(bySuite.get(r.suite) ?? []), r]);
  const suites = [...bySuite].map(([suite, results]) => {
    const failed = results.filter((r) => !r.ok).length;
    const cases = results.map((r) => {
      const open = `    <testcase${attrs({ classname: `policytest.${suite}`, name: r.case, file: r.source.file, line: r.source.line })}>`;
      if (r.ok) return `${open}</testcase>`;
      const details = [r.problem ?? '', ...r.failed.map((f) => `${f.rule}: ${f.message}`)].join('\n');
      return `${open}\n      <failure${attrs({ type: 'unexpected-outcome', message: r.problem ?? `expected ${r.expected}, got ${r.actual}` })}>${xmlEscape(details)}</failure>\n    </testcase>`;
    });
    return `  <testsuite${attrs({ name: `PolicyTest/${suite}`, tests: results.length, failures: failed, errors: 0, skipped: 0 })}>\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: 'workspace-gitops policy test', tests: run.results.length, failures: run.failed, errors: 0, skipped: 0 })}>\n${suites.join('\n')}\n</testsuites>\n`;
}
