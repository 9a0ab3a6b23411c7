/** Policy results in a terminal: deny and warn violations with their location; audit stays in JSON. */
import type { PolicyReportJson } from '../plan/types.js';
import type { Style } from './style.js';

export function renderPolicyText(report: PolicyReportJson, style: Style): string {
  const shown = report.violations.filter((v) => v.enforcement !== 'audit' && v.exempted_by === undefined);
  if (shown.length === 0 && report.warnings.length === 0) return '';
  const lines = [style.bold('Policy:')];
  for (const v of shown) {
    const colour = v.enforcement === 'deny' ? style.red : style.yellow;
    const where = v.file ? ` (${v.file}:${v.line ?? 1})` : '';
    lines.push(`  ${colour(v.enforcement.toUpperCase())} ${v.policy}/${v.rule}${v.address ? ` ${v.address}` : ''}${where}: ${v.message}`);
  }
  for (const w of report.warnings) lines.push(`  ${style.yellow('warning:')} ${w}`);
  if (report.denied) lines.push(`  ${style.red('Denied: no order will be placed.')}`);
  return lines.join('\n');
}
