/** `policy test` for a terminal: a line per case; a failing case shows what it expected and what happened. */
import type { TestRun } from '../policy/testing.js';
import type { Style } from './style.js';
import { plural } from './values.js';

export function renderPolicyTestText(run: TestRun, style: Style): string {
  const out: string[] = [];
  for (const r of run.results) {
    const name = `${r.suite} › ${r.case}`;
    if (r.ok) {
      out.push(`  ${style.green('✓')} ${name} ${style.dim(`(${r.actual})`)}`);
      continue;
    }
    out.push(`  ${style.red('✗')} ${name} ${style.dim(`at ${r.source.file}:${r.source.line}:${r.source.column}`)}`);
    out.push(`      ${r.problem ?? `expected ${r.expected}, got ${r.actual}`}`);
    for (const f of r.failed) out.push(style.dim(`      ${f.rule}: ${f.message}`));
  }
  if (run.untested.length > 0) out.push(style.yellow(`  Policies without a PolicyTest: ${run.untested.join(', ')}`));
  if (out.length > 0) out.push('');
  const summary = `Policy tests: ${run.passed} passed, ${run.failed} failed (${plural(run.results.length, 'case')}).`;
  out.push(run.failed > 0 ? style.red(summary) : style.bold(summary));
  return `${out.join('\n')}\n`;
}
