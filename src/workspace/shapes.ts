/**
 * Minimal checks on 2xx bodies: enough to never mistake a malformed answer for "nothing there".
 * Beyond the envelope and the ids, items are trusted to match the shapes declared in types.ts.
 */
import { InvalidResponseError, type Redact } from './errors.js';
import type { Page } from './paging.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseObject(operation: string, body: Buffer, redact: Redact): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidResponseError(operation, body.length === 0 ? 'empty body where JSON was expected' : 'body is not JSON', redact);
  }
  if (!isObject(parsed)) throw new InvalidResponseError(operation, 'body is not a JSON object', redact);
  return parsed;
}

/** A nested object the API wraps its answer in (e.g. `order_info`). */
export function objectField(operation: string, body: JsonObject, key: string, redact: Redact): JsonObject {
  const value = body[key];
  if (!isObject(value)) throw new InvalidResponseError(operation, `\`${key}\` is missing or not an object`, redact);
  return value;
}

export function requireString(operation: string, item: JsonObject, key: string, redact: Redact): string {
  const value = item[key];
  if (typeof value !== 'string' || value === '') throw new InvalidResponseError(operation, `\`${key}\` is missing or not a string`, redact);
  return value;
}

/**
 * One page of a list API: `items` under `itemsKey` (required: an absent list is an error, not an
 * empty one) and the total under `totalKey` when present. Every item must carry its id.
 */
export function pageOf<T>(operation: string, body: JsonObject, itemsKey: string, totalKey: string, idKey: string, redact: Redact): Page<T> {
  const items = body[itemsKey];
  if (!Array.isArray(items)) throw new InvalidResponseError(operation, `\`${itemsKey}\` is missing or not an array`, redact);
  for (const item of items) {
    if (!isObject(item)) throw new InvalidResponseError(operation, `an item of \`${itemsKey}\` is not an object`, redact);
    requireString(operation, item, idKey, redact);
  }
  const total = body[totalKey];
  // Checked above: each item is an object with its id; the rest of T is the API's documented shape.
  const typed = items as T[];
  return typeof total === 'number' && Number.isFinite(total) && total >= 0 ? { items: typed, total } : { items: typed };
}
