/** `policy check` for a terminal: the violations, the notes, and one summary line. */
import type { PolicyReportJson } from '../plan/types.js';
import type { Style } from './style.js';
import { plural } from './values.js';
import { violationLines } from './policy-text.js';

export interface PolicyCheckSummary {
  report: PolicyReportJson;
  /** Plan-scope policies, checked by `plan` only. */
  skipped: readonly string[];
  resourcesChecked: number;
}

export function policyCheckSummary(s: PolicyCheckSummary): string {
  const active = s.report.violations.filter((v) => v.exempted_by === undefined);
  const denied = active.filter((v) => v.enforcement === 'deny').length;
  const warned = active.filter((v) => v.enforcement === 'warn').length;
  const exempted = s.report.violations.length - active.length;
  const parts = [`${denied} denied`, plural(warned, 'warning'), ...(exempted > 0 ? [`${exempted} exempted`] : [])];
  return `Policy check: ${plural(s.report.evaluated, 'policy', 'policies')} over ${plural(s.resourcesChecked, 'resource')}: ${parts.join(', ')}.`;
}

export function renderPolicyCheckText(s: PolicyCheckSummary, style: Style): string {
  const out: string[] = [];
  const shown = s.report.violations.filter((v) => v.enforcement !== 'audit');
  for (const v of shown) out.push(...violationLines(v, style));
  for (const w of s.report.warnings) out.push(`  ${style.yellow('warning:')} ${w}`);
  if (s.skipped.length > 0) out.push(style.dim(`  Plan-scope policies are checked by plan, not here: ${s.skipped.join(', ')}.`));
  if (out.length > 0) out.push('');
  const summary = policyCheckSummary(s);
  out.push(s.report.denied ? style.red(`${summary} Denied: plan and apply would place no order.`) : style.bold(summary));
  return `${out.join('\n')}\n`;
}
