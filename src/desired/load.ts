/**
 * files → YAML documents → envelope check → profiles merged → per-kind schema → cross-document rules →
 * normalized model. Every problem is collected with its file:line:column; nothing stops at the first.
 */
import { createHash } from 'node:crypto';
import { compareDiagnostics, didYouMean, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import type { Billing } from '../config/config.js';
import { compile } from '../validation/ajv.js';
import { problemsFromAjv, type PathSegment, type Problem } from '../validation/problems.js';
import { parseYaml, readYamlFolder, SourceIndex, type SourceFile } from '../source/index.js';
import type { DomainType } from '../workspace/order-schema.js';
import { specHash } from '../state/canonical.js';
import { POLICY_KINDS, RESOURCE_KINDS, addressOf, compareAddresses, type ResourceKind } from './kinds.js';
import { Envelope, LABEL_KEY_PATTERN, kindSchemas } from './schemas.js';
import type { DesiredProfile, DesiredResource, DesiredState, ResourceSource } from './model.js';
import { crossDocumentProblems } from './checks.js';
import { normalizeSpec } from './normalize.js';

export interface LoadOptions {
  /** Paths in diagnostics are relative to this folder (the repository root). */
  displayRoot: string;
  domainType: DomainType;
  billing: Billing;
  enterpriseProjectId: string;
  maxFileBytes?: number;
  /** Reuse parses of unchanged files across runs (the daemon keeps one). */
  cache?: ParseCache;
}

export interface LoadResult {
  /** Present when there are no errors (warnings allowed). */
  state: DesiredState | undefined;
  diagnostics: Diagnostic[];
}

interface ParsedValues {
  documents: { index: number; value: unknown; start: SourceLocation }[];
  diagnostics: Diagnostic[];
}

/** Parse a file and keep only plain values and start positions: the ASTs are garbage at once. */
function parseValues(file: SourceFile): ParsedValues {
  const { documents, diagnostics } = parseYaml(file);
  return { documents: documents.map((d) => ({ index: d.index, value: d.value, start: d.start })), diagnostics };
}

/** Parsed documents keyed by file path and content hash: an unchanged file is not parsed again. */
export class ParseCache {
  private readonly entries = new Map<string, { hash: string; parsed: ParsedValues }>();

  get(file: SourceFile): ParsedValues {
    const hash = createHash('sha256').update(file.text).digest('hex');
    const hit = this.entries.get(file.file);
    if (hit && hit.hash === hash) return hit.parsed;
    const parsed = parseValues(file);
    this.entries.set(file.file, { hash, parsed });
    return parsed;
  }

  /** Drop files that no longer exist. */
  retain(files: readonly SourceFile[]): void {
    const keep = new Set(files.map((f) => f.file));
    for (const key of this.entries.keys()) if (!keep.has(key)) this.entries.delete(key);
  }
}

/** One document that passed the envelope check. */
export interface Doc {
  file: string;
  index: number;
  /** Where the document starts, from the first parse (no re-parse needed for a valid resource). */
  start: SourceLocation;
  kind: ResourceKind;
  name: string;
  value: { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> };
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly sources: SourceIndex) {}

  /** `file:line:column` of a value, for messages that point at a first occurrence elsewhere. */
  where(doc: { file: string; index: number }, path: readonly PathSegment[]): string {
    const loc = this.sources.locate(doc.file, doc.index, path);
    return `${loc.file}:${loc.line}:${loc.column}`;
  }

  at(doc: { file: string; index: number }, path: readonly PathSegment[], rule: string, message: string, allowed?: string, mode: 'key' | 'value' = 'value', severity: 'error' | 'warning' = 'error'): void {
    const loc = this.sources.locate(doc.file, doc.index, path, mode);
    this.push({ ...loc, severity, rule, message, ...(allowed === undefined ? {} : { allowed }) });
  }

  /** `suffix` says which resource a profile's problem surfaced in; it does not make the problem a new one. */
  problem(doc: { file: string; index: number }, p: Problem, suffix = ''): void {
    const loc = this.sources.locate(doc.file, doc.index, p.path, p.rule === 'unknown-field' ? 'key' : 'value');
    this.push({ ...loc, severity: 'error', rule: p.rule, message: `${p.message}${suffix}`, ...(p.allowed === undefined ? {} : { allowed: p.allowed }) }, p.message);
  }

  push(d: Diagnostic, sameAs: string = d.message): void {
    // One report per place, rule and problem: a profile's error is not repeated for every resource
    // using it. The message is part of the key because several fields missing from one mapping all
    // point at that mapping, and each of them must be reported.
    const key = `${d.file}:${d.line}:${d.column}:${d.rule}:${sameAs}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(d);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }
}

/** A YAML mapping (or JSON object) as parsed: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkEnvelope(doc: { file: string; index: number; value: unknown; start: SourceLocation }, report: Reporter): Doc | undefined {
  const { value } = doc;
  if (!isPlainObject(value)) {
    report.at(doc, [], 'document-shape', 'a document must be a mapping with apiVersion, kind, metadata and spec', 'a Kubernetes-style resource document');
    return undefined;
  }
  const kind = value['kind'];
  if (typeof kind === 'string' && (POLICY_KINDS as readonly string[]).includes(kind)) {
    report.at(doc, ['kind'], 'wrong-folder', `${kind} documents belong in the policies folder, not in desired state`, RESOURCE_KINDS.join(', '));
    return undefined;
  }
  if (typeof kind === 'string' && !(RESOURCE_KINDS as readonly string[]).includes(kind)) {
    const hint = didYouMean(kind, RESOURCE_KINDS);
    report.at(doc, ['kind'], 'unknown-kind', `unknown kind "${kind}"${hint ? `; did you mean "${hint}"?` : ''}`, RESOURCE_KINDS.join(', '));
    return undefined;
  }
  const validate = compile(Envelope);
  if (!validate(value)) {
    for (const p of problemsFromAjv(validate.errors)) {
      // The spec's own problems are reported by the kind's schema, with better names.
      if (p.path[0] === 'spec' && p.path.length > 1) continue;
      report.problem(doc, p);
    }
    // Keep going with the kind's own checks when the document is identifiable, so every problem shows at once.
    const metadata = value['metadata'];
    const name = isPlainObject(metadata) ? metadata['name'] : undefined;
    if (typeof kind !== 'string' || typeof name !== 'string' || !isPlainObject(value['spec'])) return undefined;
  }
  const envelope = value as unknown as Doc['value'];
  return { file: doc.file, index: doc.index, start: doc.start, kind: envelope.kind as ResourceKind, name: envelope.metadata.name, value: envelope };
}

function labelKeyProblems(doc: Doc, report: Reporter): void {
  for (const key of Object.keys(doc.value.metadata.labels ?? {})) {
    if (!LABEL_KEY_PATTERN.test(key)) {
      report.at(doc, ['metadata', 'labels', key], 'label-key', `label key "${key}" is not valid`, 'an optional DNS prefix and "/", then up to 63 letters, digits, dots, hyphens and underscores', 'key');
    }
  }
}

function sourceOf(doc: Doc): ResourceSource {
  return { ...doc.start, document: doc.index };
}

/** Fields a profile may give a kind: only those the kind's spec knows, so one profile can serve desktops and pools. */
function profileFieldsFor(kind: ResourceKind, schemas: ReturnType<typeof kindSchemas>): Set<string> {
  const specSchema = schemas[kind].properties.spec as { properties: Record<string, unknown> };
  return new Set(Object.keys(specSchema.properties));
}

function mergeProfile(
  doc: Doc,
  profiles: ReadonlyMap<string, Doc>,
  schemas: ReturnType<typeof kindSchemas>,
  report: Reporter,
): { spec: Record<string, unknown>; profileDoc?: Doc; fromProfile: Set<string>; unknownProfile?: boolean } {
  const own = doc.value.spec;
  const ref = own['profile'];
  const fromProfile = new Set<string>();
  if (typeof ref !== 'string') return { spec: own, fromProfile };
  const profileDoc = profiles.get(ref);
  if (!profileDoc) {
    const hint = didYouMean(ref, profiles.keys());
    const known = [...profiles.keys()].slice(0, 20).join(', ');
    report.at(doc, ['spec', 'profile'], 'unknown-profile', `no DesktopProfile named "${ref}"${hint ? `; did you mean "${hint}"?` : ''}`, known === '' ? 'no DesktopProfile is declared' : known);
    return { spec: own, fromProfile, unknownProfile: true };
  }
  const allowedFields = profileFieldsFor(doc.kind, schemas);
  const merged: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(profileDoc.value.spec)) {
    if (!allowedFields.has(field) || field in own) continue;
    merged[field] = value;
    fromProfile.add(field);
  }
  Object.assign(merged, own);
  const profileBilling = profileDoc.value.spec['billing'];
  const ownBilling = own['billing'];
  if (isPlainObject(profileBilling) && isPlainObject(ownBilling)) merged['billing'] = { ...profileBilling, ...ownBilling };
  return { spec: merged, profileDoc, fromProfile };
}

/** Builds the model from files already read (the working tree, or a git revision for `plan --base`). */
export function buildDesiredState(files: readonly SourceFile[], options: LoadOptions, initial: Diagnostic[] = []): LoadResult {
  const sources = new SourceIndex();
  const report = new Reporter(sources);
  for (const d of initial) report.push(d);
  const schemas = kindSchemas(options.domainType);
  const docs: Doc[] = [];
  for (const file of files) {
    sources.add(file);
    // Without a cache, hashing the text would be wasted work.
    const parsed = options.cache ? options.cache.get(file) : parseValues(file);
    for (const d of parsed.diagnostics) report.push(d);
    for (const d of parsed.documents) {
      const doc = checkEnvelope({ file: file.file, ...d }, report);
      if (doc) docs.push(doc);
    }
  }
  options.cache?.retain(files);

  const byAddress = new Map<string, Doc>();
  for (const doc of docs) {
    const address = addressOf(doc.kind, doc.name);
    const first = byAddress.get(address);
    if (first) {
      report.at(doc, ['metadata', 'name'], 'duplicate-name', `${address} is already declared at ${report.where(first, ['metadata', 'name'])}`, `one ${doc.kind} per name`);
      continue;
    }
    byAddress.set(address, doc);
  }
  // Profiles first, so their own errors are reported before any resource that uses them.
  const unique = [...byAddress.values()].sort((a, b) => Number(b.kind === 'DesktopProfile') - Number(a.kind === 'DesktopProfile'));
  const profileDocs = new Map(unique.filter((d) => d.kind === 'DesktopProfile').map((d) => [d.name, d]));
  const usedProfiles = new Set<string>();
  const valid: { doc: Doc; spec: Record<string, unknown>; profile?: string; fromProfile: Set<string> }[] = [];

  for (const doc of unique) {
    labelKeyProblems(doc, report);
    const canUseProfile = doc.kind === 'Desktop' || doc.kind === 'DesktopPool';
    const { spec, profileDoc, fromProfile, unknownProfile } = canUseProfile ? mergeProfile(doc, profileDocs, schemas, report) : { spec: doc.value.spec, fromProfile: new Set<string>() };
    if (profileDoc) usedProfiles.add(profileDoc.name);
    const validate = compile(schemas[doc.kind]);
    const candidate = { ...doc.value, spec };
    if (!validate(candidate)) {
      for (const p of problemsFromAjv(validate.errors)) {
        const field = p.path[0] === 'spec' ? p.path[1] : undefined;
        // The missing fields are most likely the ones the misspelt profile was meant to supply.
        if (unknownProfile && p.rule === 'required-field' && p.path.length === 2) continue;
        if (profileDoc && typeof field === 'string' && fromProfile.has(field)) report.problem(profileDoc, p, ` (applied from DesktopProfile/${profileDoc.name} to ${doc.kind}/${doc.name})`);
        else report.problem(doc, p);
      }
      continue;
    }
    valid.push({ doc, spec, fromProfile, ...(profileDoc ? { profile: profileDoc.name } : {}) });
  }

  for (const [name, doc] of profileDocs) {
    if (!usedProfiles.has(name)) report.at(doc, ['metadata', 'name'], 'unused-profile', `DesktopProfile/${name} is not used by any Desktop or DesktopPool`, undefined, 'value', 'warning');
  }

  const declaredDesktops = new Set(unique.filter((d) => d.kind === 'Desktop').map((d) => d.name));
  crossDocumentProblems(valid, { domainType: options.domainType, billing: options.billing, profiles: profileDocs, declaredDesktops }, report);

  const diagnostics = report.diagnostics.sort(compareDiagnostics);
  if (report.errorCount > 0) return { state: undefined, diagnostics };

  const resources: DesiredResource[] = [];
  const profiles = new Map<string, DesiredProfile>();
  for (const { doc, spec, profile, fromProfile } of valid) {
    const { normalized, autoPay } = normalizeSpec(doc.kind, doc.name, spec, options);
    if (doc.kind === 'DesktopProfile') {
      profiles.set(doc.name, { name: doc.name, spec: normalized, source: sourceOf(doc) });
      continue;
    }
    resources.push({
      address: addressOf(doc.kind, doc.name),
      kind: doc.kind,
      name: doc.name,
      labels: { ...doc.value.metadata.labels },
      annotations: { ...doc.value.metadata.annotations },
      spec: normalized,
      autoPay,
      ...(profile ? { profile, fromProfile } : {}),
      source: sourceOf(doc),
    });
  }
  resources.sort((a, b) => compareAddresses(a.address, b.address));
  // Computed on first use: canonical JSON of every spec is a tenth of a large load, and `validate`
  // never needs it. The resources are not changed after loading, so the value cannot go stale.
  let digest: string | undefined;
  return {
    state: {
      resources,
      byAddress: new Map(resources.map((r) => [r.address, r])),
      profiles,
      get digest(): string {
        // Labels and annotations count too: policies match on labels, and an annotation can allow a rebuild.
        digest ??= specHash(resources.map((r) => [r.address, r.spec, r.autoPay, r.labels, r.annotations]));
        return digest;
      },
      files: files.map((f) => f.file),
      sources,
    },
    diagnostics,
  };
}

/** Reads every YAML file under `dir` and builds the model. */
export async function loadDesiredState(dir: string, options: LoadOptions): Promise<LoadResult> {
  const read = await readYamlFolder(dir, { displayRoot: options.displayRoot, ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }) });
  return buildDesiredState(read.files, options, read.diagnostics);
}
