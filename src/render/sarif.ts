/**
 * Policy results as SARIF 2.1.0, the format code hosts (GitHub code scanning, GitLab, Azure DevOps)
 * read to annotate files: one reportingDescriptor per policy rule, one result per violation at the
 * failing YAML value. Exempted violations carry an accepted external suppression instead of vanishing.
 */
import { createHash } from 'node:crypto';
import type { PolicyReportJson, PolicyViolationJson } from '../plan/types.js';
import { showValue } from './values.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** What SARIF needs to know about the policies, beyond the violations. */
export interface SarifPolicyInfo {
  name: string;
  description?: string;
  enforcement: PolicyViolationJson['enforcement'];
  rules: readonly { name: string; expression: string; message?: string }[];
}

export interface SarifOptions {
  toolVersion: string;
  policies: readonly SarifPolicyInfo[];
}

const LEVEL = { deny: 'error', warn: 'warning', audit: 'note' } as const;

function ruleId(policy: string, rule: string): string {
  return `${policy}/${rule}`;
}

/** Paths are relative to the repository root; SARIF wants URI references, so each segment is percent-encoded. */
export function fileUri(file: string): string {
  if (file.startsWith('/')) return `file://${file.split('/').map(encodeURIComponent).join('/')}`;
  return file.split('/').map(encodeURIComponent).join('/');
}

function resultText(v: PolicyViolationJson): string {
  const values = Object.entries(v.values ?? {}).map(([path, value]) => `${path} = ${showValue(value, 100)}`);
  const subject = v.address ?? 'the plan';
  return `${subject}: ${v.message}${values.length > 0 ? ` [${values.join('; ')}]` : ''}`;
}

export function renderSarif(report: PolicyReportJson, options: SarifOptions): string {
  const rules: object[] = [];
  const index = new Map<string, number>();
  const addRule = (id: string, level: string, short: string, full?: string, extra: Record<string, unknown> = {}) => {
    if (index.has(id)) return;
    index.set(id, rules.length);
    rules.push({
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: short },
      ...(full ? { fullDescription: { text: full } } : {}),
      defaultConfiguration: { level },
      properties: { tags: ['policy', 'workspace-gitops'], ...extra },
    });
  };
  for (const p of options.policies) {
    for (const r of p.rules) addRule(ruleId(p.name, r.name), LEVEL[p.enforcement], r.message ?? p.description ?? `Policy ${p.name}, rule ${r.name}`, `CEL: ${r.expression}`, { enforcement: p.enforcement });
  }
  const results = report.violations.map((v) => {
    const id = ruleId(v.policy, v.rule);
    addRule(id, LEVEL[v.enforcement], `Policy ${v.policy}, rule ${v.rule}`);
    return {
      ruleId: id,
      ruleIndex: index.get(id)!,
      level: LEVEL[v.enforcement],
      message: { text: resultText(v) },
      ...(v.file
        ? { locations: [{ physicalLocation: { artifactLocation: { uri: fileUri(v.file) }, region: { startLine: v.line ?? 1, ...(v.column ? { startColumn: v.column } : {}) } }, ...(v.address ? { logicalLocations: [{ fullyQualifiedName: v.address, kind: 'resource' }] } : {}) }] }
        : {}),
      // Stable across runs and line moves, so code hosts track one finding instead of opening a new one.
      partialFingerprints: { 'workspaceGitopsViolation/v1': createHash('sha256').update(`${id}\0${v.address ?? ''}`).digest('hex').slice(0, 32) },
      ...(v.exempted_by ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `PolicyExemption/${v.exempted_by}` }] } : {}),
      properties: { enforcement: v.enforcement, address: v.address, ...(v.values ? { values: v.values } : {}) },
    };
  });
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'workspace-gitops', semanticVersion: options.toolVersion, version: options.toolVersion, rules } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.warnings.map((w) => ({ level: 'warning', message: { text: w } })) }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
