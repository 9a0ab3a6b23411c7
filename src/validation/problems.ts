/** Turns ajv errors into problems a user can act on: a path, a named rule, a message and what is allowed. */
import type { ErrorObject } from 'ajv';
import { didYouMean } from '../diagnostics.js';

export type PathSegment = string | number;

export interface Problem {
  path: PathSegment[];
  rule: string;
  message: string;
  allowed?: string;
}

const KEYWORD_RULES: Record<string, string> = {
  required: 'required-field',
  additionalProperties: 'unknown-field',
  type: 'type',
  enum: 'enum',
  const: 'const',
  format: 'format',
  pattern: 'pattern',
};

interface AnnotatedSchema {
  'x-rule'?: string;
  'x-allowed'?: string;
  properties?: Record<string, unknown>;
  enum?: unknown[];
}

export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(document)' : out;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (Number.isInteger(value)) return 'an integer';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function problemOf(error: ErrorObject): Problem | undefined {
  const parent = (error.parentSchema ?? {}) as AnnotatedSchema;
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const allowed = parent['x-allowed'];
  const rule = parent['x-rule'] ?? KEYWORD_RULES[error.keyword] ?? error.keyword;
  const withAllowed = (p: Problem): Problem => (allowed === undefined || p.allowed !== undefined ? p : { ...p, allowed });

  switch (error.keyword) {
    case 'required': {
      const field = String(params['missingProperty']);
      return { path: [...path, field], rule: 'required-field', message: `${field} is required` };
    }
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      const known = Object.keys(parent.properties ?? {});
      const hint = didYouMean(field, known);
      return {
        path: [...path, field],
        rule: 'unknown-field',
        message: `unknown field "${field}"${hint ? `; did you mean "${hint}"?` : ''}`,
        allowed: known.join(', '),
      };
    }
    case 'type':
      return withAllowed({ path, rule, message: `must be ${String(params['type'])}, got ${typeName(error.data)}` });
    case 'enum':
      return { path, rule, message: `${show(error.data)} is not allowed`, allowed: allowed ?? (parent.enum ?? []).map(String).join(', ') };
    case 'const':
      // ajv's own text ("must be equal to constant") does not say which value it wanted.
      return { path, rule, message: `${show(error.data)} is not allowed`, allowed: allowed ?? String(params['allowedValue']) };
    case 'pattern':
      return withAllowed({ path, rule, message: `${show(error.data)} is not valid` });
    case 'format':
      return withAllowed({ path, rule, message: `${show(error.data)} is not a valid ${String(params['format'])}` });
    case 'minimum':
    case 'exclusiveMinimum':
      return withAllowed({ path, rule, message: `${show(error.data)} is below the minimum ${String(params['limit'])}` });
    case 'maximum':
    case 'exclusiveMaximum':
      return withAllowed({ path, rule, message: `${show(error.data)} is above the maximum ${String(params['limit'])}` });
    case 'multipleOf':
      return withAllowed({ path, rule, message: `${show(error.data)} is not a multiple of ${String(params['multipleOf'])}` });
    case 'minItems':
      return withAllowed({ path, rule, message: `has ${(error.data as unknown[]).length} items, needs at least ${String(params['limit'])}` });
    case 'maxItems':
      return withAllowed({ path, rule, message: `has ${(error.data as unknown[]).length} items, at most ${String(params['limit'])} allowed` });
    case 'minLength':
      return withAllowed({ path, rule, message: `${show(error.data)} is shorter than ${String(params['limit'])} characters` });
    case 'maxLength':
      return withAllowed({ path, rule, message: `${show(error.data)} is longer than ${String(params['limit'])} characters` });
    case 'minProperties':
      return withAllowed({ path, rule, message: `needs at least ${String(params['limit'])} entries` });
    case 'if':
    case 'anyOf':
    case 'oneOf':
      // The branch errors that explain these are reported on their own.
      return undefined;
    default:
      return withAllowed({ path, rule, message: error.message ?? `fails ${error.keyword}` });
  }
}

/** Map ajv errors to problems, dropping duplicates (the same rule at the same path). */
export function problemsFromAjv(errors: readonly ErrorObject[] | null | undefined): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors ?? []) {
    const p = problemOf(e);
    if (!p) continue;
    const key = `${formatPath(p.path)}\u0000${p.rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
