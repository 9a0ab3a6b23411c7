/**
 * policies folder → YAML documents → envelope and schema checks → compiled set. The same safe reading
 * and position tracking as desired state; every problem is collected with its file:line:column.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { compareDiagnostics, didYouMean, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { isPlainObject, Reporter } from '../desired/load.js';
import { POLICY_KINDS, RESOURCE_KINDS } from '../desired/kinds.js';
import { displayPath, parseYaml, readYamlFolder, SourceIndex, type SourceFile } from '../source/index.js';
import { compile } from '../validation/ajv.js';
import { problemsFromAjv } from '../validation/problems.js';
import { buildExemption, buildPolicy, buildTestSuite, type BuildContext, type PolicyDoc } from './build.js';
import type { PolicySet } from './model.js';
import { POLICY_DOCUMENT_SCHEMAS, type ExemptionSpec, type PolicyKind, type PolicySpec, type PolicyTestSpec } from './schemas.js';

export interface PolicyLoadOptions {
  /** Paths in diagnostics are relative to this folder (the repository root). */
  displayRoot: string;
  maxFileBytes?: number;
}

export interface PolicyLoadResult {
  /** Present when there are no errors (warnings allowed). */
  set: PolicySet | undefined;
  diagnostics: Diagnostic[];
}

export const EMPTY_POLICY_SET: PolicySet = { policies: [], exemptions: [], tests: [], digest: null, files: [], notes: [] };

type AnyDoc = PolicyDoc<unknown> & { kind: PolicyKind };

function checkDocument(doc: { file: string; index: number; value: unknown; start: SourceLocation }, report: Reporter): AnyDoc | undefined {
  const { value } = doc;
  if (!isPlainObject(value)) {
    report.at(doc, [], 'document-shape', 'a document must be a mapping with apiVersion, kind, metadata and spec', 'a Policy, PolicyExemption or PolicyTest document');
    return undefined;
  }
  const kind = value['kind'];
  if (typeof kind !== 'string' || !(POLICY_KINDS as readonly string[]).includes(kind)) {
    if (typeof kind === 'string' && (RESOURCE_KINDS as readonly string[]).includes(kind)) {
      report.at(doc, ['kind'], 'wrong-folder', `${kind} documents belong in the desired-state folder, not with the policies`, POLICY_KINDS.join(', '));
    } else {
      const hint = typeof kind === 'string' ? didYouMean(kind, POLICY_KINDS) : undefined;
      report.at(doc, ['kind'], typeof kind === 'string' ? 'unknown-kind' : 'required-field', typeof kind === 'string' ? `unknown kind "${kind}"${hint ? `; did you mean "${hint}"?` : ''}` : 'kind is required', POLICY_KINDS.join(', '));
    }
    return undefined;
  }
  const validate = compile(POLICY_DOCUMENT_SCHEMAS[kind as PolicyKind]);
  if (!validate(value)) {
    for (const p of problemsFromAjv(validate.errors)) report.problem(doc, p);
    return undefined;
  }
  const metadata = value['metadata'] as { name: string };
  return { file: doc.file, index: doc.index, start: doc.start, kind: kind as PolicyKind, name: metadata.name, spec: value['spec'] };
}

function digestOf(files: readonly SourceFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.file).update('\0').update(f.text).update('\0');
  return hash.digest('hex');
}

/** Builds the set from files already read (the working tree, or a git revision). */
export function buildPolicySet(files: readonly SourceFile[], initial: Diagnostic[] = []): PolicyLoadResult {
  const sources = new SourceIndex();
  const report = new Reporter(sources);
  for (const d of initial) report.push(d);
  const docs: AnyDoc[] = [];
  for (const file of files) {
    sources.add(file);
    const parsed = parseYaml(file);
    for (const d of parsed.diagnostics) report.push(d);
    for (const d of parsed.documents) {
      const doc = checkDocument({ file: file.file, index: d.index, value: d.value, start: d.start }, report);
      if (doc) docs.push(doc);
    }
  }

  const byKind: Record<PolicyKind, Map<string, AnyDoc>> = { Policy: new Map(), PolicyExemption: new Map(), PolicyTest: new Map() };
  for (const doc of docs) {
    const first = byKind[doc.kind].get(doc.name);
    if (first) {
      const where = sources.locate(first.file, first.index, ['metadata', 'name']);
      report.at(doc, ['metadata', 'name'], 'duplicate-name', `${doc.kind}/${doc.name} is already declared at ${where.file}:${where.line}:${where.column}`, `one ${doc.kind} per name`);
      continue;
    }
    byKind[doc.kind].set(doc.name, doc);
  }

  const ctx: BuildContext = {
    report,
    texts: new Map(files.map((f) => [f.file, f.text])),
    locate: (doc, path) => sources.locate(doc.file, doc.index, path),
  };
  const policyDocs = byKind.Policy as Map<string, PolicyDoc<PolicySpec>>;
  const policies = [...policyDocs.values()].map((d) => buildPolicy(ctx, d));
  const exemptions = [...(byKind.PolicyExemption as Map<string, PolicyDoc<ExemptionSpec>>).values()].map((d) => buildExemption(ctx, d, policyDocs));
  const tests = [...(byKind.PolicyTest as Map<string, PolicyDoc<PolicyTestSpec>>).values()].map((d) => buildTestSuite(ctx, d, policyDocs));

  const tested = new Set([...byKind.PolicyTest.values()].map((d) => (d.spec as PolicyTestSpec).policy));
  for (const doc of policyDocs.values()) {
    if (!tested.has(doc.name)) report.at(doc, ['metadata', 'name'], 'untested-policy', `Policy/${doc.name} has no PolicyTest`, 'a PolicyTest with spec.policy: ' + doc.name, 'value', 'warning');
  }

  const diagnostics = report.diagnostics.sort(compareDiagnostics);
  sources.release();
  if (report.errorCount > 0) return { set: undefined, diagnostics };
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    set: {
      policies: policies.filter((p) => p !== undefined).sort(byName),
      exemptions: exemptions.filter((e) => e !== undefined).sort(byName),
      tests: tests.filter((t) => t !== undefined).sort(byName),
      digest: digestOf(files),
      files: files.map((f) => f.file),
      notes: [],
    },
    diagnostics,
  };
}

/**
 * Reads every YAML file under `dir` and builds the set. A folder that does not exist is no policies
 * at all — valid for a repository without any — but every evaluation says so, so that a misspelt
 * `policies:` setting cannot quietly switch them off.
 */
export async function loadPolicySet(dir: string, options: PolicyLoadOptions): Promise<PolicyLoadResult> {
  const exists = await stat(dir).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
  );
  if (!exists) {
    const shown = displayPath(dir, options.displayRoot);
    return { set: { ...EMPTY_POLICY_SET, notes: [`no policies folder at ${shown}: no policy was evaluated`] }, diagnostics: [] };
  }
  const read = await readYamlFolder(dir, { displayRoot: options.displayRoot, ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }) });
  return buildPolicySet(read.files, read.diagnostics);
}
