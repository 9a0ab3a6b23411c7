/**
 * Values crossing into and out of CEL. YAML gives JavaScript numbers, which cel-js treats as CEL
 * doubles, while a literal such as `10` in a rule is a CEL int — and CEL has no int + double
 * overload, so `size + 10 <= 200` would fail. Whole numbers therefore enter CEL as ints (BigInt) and
 * fractional ones as doubles; results come back as plain JSON (BigInt → number).
 */
import type { Json } from '../state/types.js';

/** A JSON value (from YAML, a plan or the recorded state) as CEL sees it. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toCel);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toCel(v);
  }
  return out;
}

/** A CEL result as JSON: ints become numbers (or decimal strings beyond 2^53), maps and lists recurse. */
export function fromCel(value: unknown): Json {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) {
    const out: Record<string, Json> = {};
    for (const [k, v] of value) out[String(k)] = fromCel(v);
    return out;
  }
  if (value instanceof Set) return [...value].map(fromCel);
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromCel(v);
    return out;
  }
  // Functions and symbols cannot come out of CEL; say what it was rather than throw.
  return `(${typeof value})`;
}

/** Plain-text rendering of a JSON value for messages: strings bare, the rest as compact JSON. */
export function showJson(value: Json, max = 120): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
