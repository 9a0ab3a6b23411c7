/**
 * GitHub Actions workflow commands, so a run annotates the YAML lines in the pull request: deny as
 * errors, warn as warnings, expired exemptions as warnings. Audit and exempted violations stay out.
 * Escaping follows the runner's rules: data escapes %, CR and LF; properties also `:` and `,`.
 */
import type { PolicyReportJson } from '../plan/types.js';

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function isGithubActions(env: Record<string, string | undefined>): boolean {
  return env['GITHUB_ACTIONS'] === 'true';
}

export function renderGithubAnnotations(report: PolicyReportJson): string {
  const lines: string[] = [];
  for (const v of report.violations) {
    if (v.enforcement === 'audit' || v.exempted_by !== undefined) continue;
    const command = v.enforcement === 'deny' ? 'error' : 'warning';
    const props: string[] = [];
    if (v.file) props.push(`file=${escapeProperty(v.file)}`);
    if (v.file && v.line) props.push(`line=${v.line}`);
    if (v.file && v.column) props.push(`col=${v.column}`);
    props.push(`title=${escapeProperty(`policy ${v.policy}/${v.rule}${v.address ? ` (${v.address})` : ''}`)}`);
    lines.push(`::${command} ${props.join(',')}::${escapeData(v.message)}`);
  }
  for (const w of report.warnings) lines.push(`::warning title=${escapeProperty('workspace-gitops policy')}::${escapeData(w)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
