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

function keyed(value: Json, field: string | undefined): Json {
  if (Array.isArray(value)) {
    const out: Keyed = {};
    const keyField = field === undefined ? undefined : LIST_KEYS[field];
    value.forEach((item, i) => {
      if (keyField && item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item[keyField] === 'string') {
        const { [keyField]: id, ...rest } = item;
        out[id as string] = keyed(keyField === 'key' ? (rest['value'] ?? '') : rest, undefined);
      } else if (typeof item === 'string' && field !== undefined && !field.endsWith('volumes')) {
        out[item] = true;
      } else {
        out[String(i)] = keyed(item, undefined);
      }
    });
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Keyed = {};
    for (const [k, v] of Object.entries(value)) out[k] = keyed(v, k);
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

function walk(node: unknown, prefix: string, out: FieldDiff[]): void {
  if (isChange(node)) {
    out.push({ path: prefix, op: 'change', before: node.__old, after: node.__new });
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const join = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
    if (key.endsWith('__added')) out.push({ path: join(key.slice(0, -'__added'.length)), op: 'add', after: value as Json });
    else if (key.endsWith('__deleted')) out.push({ path: join(key.slice(0, -'__deleted'.length)), op: 'remove', before: value as Json });
    else walk(value, join(key), out);
  }
}

/** Differences from `before` to `after`, sorted by path; empty when equal. */
export function fieldDiff(before: Json | undefined, after: Json | undefined): FieldDiff[] {
  const out: FieldDiff[] = [];
  const result: unknown = jsonDiff.diff(keyed(before ?? {}, undefined), keyed(after ?? {}, undefined));
  if (result !== undefined) walk(result, '', out);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
