/**
 * Policy results in a terminal: deny and warn violations with where they are, what the rule read and
 * who exempted them; audit stays in JSON. Shared by `plan` and `policy check`.
 */
import type { PolicyReportJson, PolicyViolationJson } from '../plan/types.js';
import type { Style } from './style.js';
import { showValue } from './values.js';

/** `file:line:column`, or '' when the violation has no place. */
export function whereOf(v: Pick<PolicyViolationJson, 'file' | 'line' | 'column'>): string {
  if (!v.file) return '';
  return `${v.file}:${v.line ?? 1}${v.column ? `:${v.column}` : ''}`;
}

/** The lines of one violation: heading, message, the values the rule read, the exemption. */
export function violationLines(v: PolicyViolationJson, style: Style): string[] {
  const colour = v.enforcement === 'deny' ? style.red : style.yellow;
  const tag = v.exempted_by ? style.dim(`EXEMPT ${v.enforcement}`) : colour(v.enforcement.toUpperCase());
  const where = whereOf(v);
  const lines = [`  ${tag} ${style.bold(`${v.policy}/${v.rule}`)} ${v.address ?? '(the plan)'}${where ? style.dim(` at ${where}`) : ''}`, `      ${v.message}`];
  for (const [path, value] of Object.entries(v.values ?? {})) lines.push(style.dim(`      ${path} = ${showValue(value, 100)}`));
  if (v.exempted_by) lines.push(style.dim(`      exempted by PolicyExemption/${v.exempted_by}`));
  return lines;
}

export function renderPolicyText(report: PolicyReportJson, style: Style): string {
  const shown = report.violations.filter((v) => v.enforcement !== 'audit');
  if (shown.length === 0 && report.warnings.length === 0) return '';
  const lines = [style.bold('Policy:')];
  for (const v of shown) lines.push(...violationLines(v, style));
  for (const w of report.warnings) lines.push(`  ${style.yellow('warning:')} ${w}`);
  if (report.denied) lines.push(`  ${style.red('Denied by policy: no order will be placed, for any resource.')}`);
  return lines.join('\n');
}
