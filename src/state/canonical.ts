/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit, recursively), arrays kept in order, no
 * whitespace. Two specs that mean the same thing hash the same, whatever order their keys were written in.
 */
import { createHash } from 'node:crypto';

/**
 * Serialize a JSON-compatible value canonically. Written by hand rather than with a sorting replacer,
 * because JavaScript objects list integer-like keys ("2", "10") first, whatever their insertion order.
 * `undefined` members are dropped, as JSON.stringify does; other non-JSON values are refused.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${String(value)} is not a JSON number`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? arrayJson(value) : objectJson(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`);
  }
}

function arrayJson(items: readonly unknown[]): string {
  // JSON.stringify writes undefined array items as null; keep that so the text stays JSON.
  return `[${items.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
}

function objectJson(record: Record<string, unknown>): string {
  const parts: string[] = [];
  // The default sort compares UTF-16 code units: the same order in every locale.
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${parts.join(',')}}`;
}

/** sha256 (hex) of the canonical JSON of a spec: what the recorded state and the planner compare. */
export function specHash(spec: unknown): string {
  return createHash('sha256').update(canonicalJson(spec), 'utf8').digest('hex');
}
