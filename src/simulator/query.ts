/**
 * Query strings: parsed into repeated keys exactly as the signature's canonical form reads them, and
 * the typed parameters the read APIs take (offset/limit with their documented bounds).
 */
import { ApiError, CODES } from './api-error.js';

/** Every value of every key, in the order received. */
export type QueryParams = Map<string, string[]>;

function decode(s: string): string {
  // `+` stays a plus: signing clients encode a space as %20, never as +.
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseQuery(raw: string): QueryParams {
  const out: QueryParams = new Map();
  if (raw === '') return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

/** As the signer's `Query` type: one value stays a string, repeated keys become lists. */
export function toSignerQuery(q: QueryParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of q) out[k] = v.length === 1 ? v[0]! : v;
  return out;
}

/** The first value of a key (a repeated scalar parameter uses its first value). */
export function param(q: QueryParams, name: string): string | undefined {
  return q.get(name)?.[0];
}

/** An integer parameter within bounds, or its default; anything else is a 400 with the given code. */
export function intParam(q: QueryParams, name: string, bounds: { min: number; max: number }, code: string = CODES.parameter): number | undefined {
  const raw = param(q, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new ApiError(400, code, `query parameter ${name}: "${raw}" is not an integer (allowed: ${bounds.min}-${bounds.max})`);
  const n = Number(raw);
  if (n < bounds.min || n > bounds.max) throw new ApiError(400, code, `query parameter ${name}: ${n} is out of range (allowed: ${bounds.min}-${bounds.max})`);
  return n;
}

export interface PageBounds {
  /** Largest limit accepted. */
  max: number;
  /** Limit when none is given; undefined means "everything from offset". */
  default?: number;
  code?: string;
}

/** offset/limit paging with `total_count` computed over the whole filtered list. */
export function page<T>(items: readonly T[], q: QueryParams, bounds: PageBounds): T[] {
  const code = bounds.code ?? CODES.parameter;
  const offset = intParam(q, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER }, code) ?? 0;
  const limit = intParam(q, 'limit', { min: 1, max: bounds.max }, code) ?? bounds.default;
  return limit === undefined ? items.slice(offset) : items.slice(offset, offset + limit);
}
