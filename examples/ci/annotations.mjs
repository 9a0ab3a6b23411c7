#!/usr/bin/env node
// Turns `workspace-gitops validate --format json` and `plan --format json` output into review
// annotations: GitHub workflow commands (errors and warnings on the PR's files) or a GitLab Code
// Quality report. No dependencies; copy it into the desired-state repository next to the CI file.
//
//   node annotations.mjs validate.json plan.json                   # GitHub Actions (default)
//   node annotations.mjs --format gitlab plan.json > quality.json  # GitLab codequality artifact
//
// `--policy plan` keeps only plan-scope violations from a plan (in GitHub Actions `policy check`
// already annotates the per-resource ones); `--policy none` drops them all. Default: all.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
};
const format = option('--format', 'github');
const policyFilter = option('--policy', 'all');
if (!['github', 'gitlab'].includes(format) || !['all', 'plan', 'none'].includes(policyFilter) || args.length === 0) {
  console.error('usage: annotations.mjs [--format github|gitlab] [--policy all|plan|none] REPORT.json...');
  process.exit(64);
}

/** One finding: level error | warning | notice, a file and line when known, a title and a message. */
function findings(report) {
  const out = [];
  if (Array.isArray(report.errors) || Array.isArray(report.warnings)) {
    // validate --format json
    for (const d of report.errors ?? []) out.push({ level: 'error', file: d.file, line: d.line, title: `invalid: ${d.rule}`, message: `${d.message}${d.allowed ? ` (allowed: ${d.allowed})` : ''}` });
    for (const d of report.warnings ?? []) out.push({ level: 'warning', file: d.file, line: d.line, title: d.rule, message: d.message });
    return out;
  }
  // plan --format json
  for (const c of report.changes ?? []) {
    if (c.action === 'blocked') out.push({ level: 'warning', file: c.file, line: c.line, title: `blocked: ${c.address}`, message: c.reason });
  }
  for (const v of report.policy?.violations ?? []) {
    if (v.enforcement === 'audit' || policyFilter === 'none' || (policyFilter === 'plan' && v.address !== null)) continue;
    const level = v.enforcement === 'deny' && !v.exempted_by ? 'error' : 'warning';
    const exempt = v.exempted_by ? ` (exempted by ${v.exempted_by})` : '';
    out.push({ level, file: v.file, line: v.line, title: `policy ${v.policy}/${v.rule}${v.address ? ` on ${v.address}` : ''}`, message: `${v.message}${exempt}` });
  }
  return out;
}

// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
const escapeData = (s) => String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function github(f) {
  const props = [f.file ? `file=${escapeProperty(f.file)}` : '', f.file && f.line ? `line=${f.line}` : '', `title=${escapeProperty(f.title)}`].filter(Boolean).join(',');
  return `::${f.level} ${props}::${escapeData(f.message)}`;
}

// https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
function gitlab(f) {
  const severity = { error: 'critical', warning: 'minor', notice: 'info' }[f.level];
  const fingerprint = createHash('sha256').update(`${f.title}|${f.file ?? ''}|${f.line ?? ''}|${f.message}`).digest('hex');
  return { description: `${f.title}: ${f.message}`, check_name: f.title, fingerprint, severity, location: { path: f.file || 'workspace-gitops.yaml', lines: { begin: f.line || 1 } } };
}

const all = args.flatMap((file) => findings(JSON.parse(readFileSync(file, 'utf8'))));
if (format === 'github') for (const f of all) console.log(github(f));
else console.log(JSON.stringify(all.map(gitlab), null, 2));
