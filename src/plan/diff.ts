/**
 * Field-level diff of two specs for people to read. Lists become maps keyed by what names their members
 * (tags by key, users by user_id, security groups by id …) before json-diff compares them, so a diff
 * never pays json-diff's quadratic list alignment and an insertion does not show as "everything moved".
 */
import jsonDiff from 'json-diff';
import type { Json } from '../state/types.js';
import type { FieldDiff } from './types.js';

/** The member field that identifies list items, by list name. Lists not named here are keyed by position. */
const LIST_KEYS: Record<string, string> = {
  tags: 'key',
  users: 'user_id',
  nics: 'subnet_id',
  security_groups: 'id',
  authorized_objects: 'object_id',
};

type Keyed = { [key: string]: Json | Keyed };
/** Keyed node → the JSON value it stands for, so the diff shows lists and members as written, not as keyed maps. */
type Origins = WeakMap<object, Json>;

function keyed(value: Json, field: string | undefined, origins: Origins): Json {
  if (Array.isArray(value)) {
    const out: Keyed = {};
    const keyField = field === undefined ? undefined : LIST_KEYS[field];
    value.forEach((item, i) => {
      if (keyField && item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item[keyField] === 'string') {
        const { [keyField]: id, ...rest } = item;
        const member = keyed(keyField === 'key' ? (rest['value'] ?? '') : rest, undefined, origins);
        if (member !== null && typeof member === 'object') origins.set(member, item);
        out[id as string] = member;
      } else if (typeof item === 'string' && field !== undefined && !field.endsWith('volumes')) {
        out[item] = true;
      } else {
        out[String(i)] = keyed(item, undefined, origins);
      }
    });
    origins.set(out, value);
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Keyed = {};
    for (const [k, v] of Object.entries(value)) out[k] = keyed(v, k, origins);
    origins.set(out, value);
    return out;
  }
  return value;
}

interface JsonDiffChange {
  __old: Json;
  __new: Json;
}

function isChange(node: unknown): node is JsonDiffChange {
  return node !== null && typeof node === 'object' && '__old' in node && '__new' in node;
}

function walk(node: unknown, prefix: string, out: FieldDiff[], origins: Origins): void {
  // json-diff hands back the keyed nodes it was given: show what they stand for.
  const original = (v: Json): Json => (v !== null && typeof v === 'object' ? (origins.get(v) ?? v) : v);
  if (isChange(node)) {
    out.push({ path: prefix, op: 'change', before: original(node.__old), after: original(node.__new) });
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const join = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
    if (key.endsWith('__added')) out.push({ path: join(key.slice(0, -'__added'.length)), op: 'add', after: original(value as Json) });
    else if (key.endsWith('__deleted')) out.push({ path: join(key.slice(0, -'__deleted'.length)), op: 'remove', before: original(value as Json) });
    else walk(value, join(key), out, origins);
  }
}

/** Differences from `before` to `after`, sorted by path; empty when equal. */
export function fieldDiff(before: Json | undefined, after: Json | undefined): FieldDiff[] {
  const out: FieldDiff[] = [];
  const origins: Origins = new WeakMap();
  const result: unknown = jsonDiff.diff(keyed(before ?? {}, undefined, origins), keyed(after ?? {}, undefined, origins));
  if (result !== undefined) walk(result, '', out, origins);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
