/**
 * Rules of the order API page that JSON Schema cannot say: which request object goes with which order
 * type, mutually exclusive fields, limits that depend on another field. Together with order-schema.ts
 * this is the full check of an order body; the simulator answers 400 with the first problem.
 */
import type { Problem, PathSegment } from '../validation/problems.js';
import { problemsFromAjv } from '../validation/problems.js';
import { compile } from '../validation/ajv.js';
import {
  COMPUTER_NAME_PATTERN,
  CREATE_ORDER_TYPES,
  MAX_DESKTOPS_PER_ORDER,
  OrderBody,
  PERIOD_NUM_MAX,
  REQUEST_OBJECT_NAMES,
  REQUEST_OBJECT_OF,
  WINDOWS_USER_GROUPS,
  type DomainType,
  type OrderBody as OrderBodyT,
  type OrderType,
  type Tag,
} from './order-schema.js';

const COMPUTER_NAME = new RegExp(COMPUTER_NAME_PATTERN);
const bodySchemas = { LITE_AD: OrderBody('LITE_AD'), LOCAL_AD: OrderBody('LOCAL_AD') } as const;

/** A Windows account (administrators/users group) is limited to 20 characters (Table 10). */
export function windowsUserNameProblem(userName: unknown, userGroup: unknown, path: PathSegment[]): Problem | undefined {
  if (typeof userName !== 'string' || typeof userGroup !== 'string') return undefined;
  if (!(WINDOWS_USER_GROUPS as readonly string[]).includes(userGroup) || userName.length <= 20) return undefined;
  return {
    path,
    rule: 'user-name',
    message: `"${userName}" has ${userName.length} characters; a Windows desktop user (group ${userGroup}) has at most 20`,
    allowed: 'at most 20 characters for Windows groups administrators/users, 32 for Linux groups sudo/default',
  };
}

export function duplicateTagProblems(tags: readonly Tag[] | undefined, path: PathSegment[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  (tags ?? []).forEach((tag, i) => {
    if (seen.has(tag.key)) {
      out.push({ path: [...path, i, 'key'], rule: 'tag-key-unique', message: `tag key "${tag.key}" appears more than once`, allowed: 'each tag key once' });
    }
    seen.add(tag.key);
  });
  return out;
}

function periodProblems(type: OrderType, resource: Record<string, unknown>, path: PathSegment[]): Problem[] {
  const out: Problem[] = [];
  const isCreate = CREATE_ORDER_TYPES.includes(type) && resource['resize_exclusive_lites'] === undefined;
  if (isCreate) {
    for (const field of ['period_type', 'period_num'] as const) {
      if (resource[field] === undefined) {
        out.push({ path: [...path, field], rule: 'required-field', message: `${field} is required for a ${type} order`, allowed: 'period_type 2 (monthly) or 3 (yearly) with period_num' });
      }
    }
  }
  if (resource['period_type'] === 3 && typeof resource['period_num'] === 'number' && resource['period_num'] > PERIOD_NUM_MAX.year) {
    out.push({ path: [...path, 'period_num'], rule: 'period-num', message: `${resource['period_num']} years is more than ${PERIOD_NUM_MAX.year}`, allowed: `1-${PERIOD_NUM_MAX.year} years or 1-${PERIOD_NUM_MAX.month} months` });
  }
  return out;
}

function createDesktopsProblems(req: Record<string, unknown>, path: PathSegment[]): Problem[] {
  const out: Problem[] = [];
  const desktops = req['desktops'] as Record<string, unknown>[] | undefined;
  const size = req['size'] as number | undefined;
  const name = req['desktop_name'] as string | undefined;
  if (desktops !== undefined && size !== undefined) {
    out.push({ path: [...path, 'size'], rule: 'desktops-or-size', message: 'size cannot be used together with desktops', allowed: 'either desktops (assigned to users) or size with desktop_name (unassigned)' });
  }
  if (desktops === undefined && size === undefined) {
    out.push({ path: [...path, 'desktops'], rule: 'desktops-or-size', message: 'either desktops or size is required', allowed: 'either desktops (assigned to users) or size with desktop_name (unassigned)' });
  }
  if (size !== undefined && name === undefined && req['desktop_name_policy_id'] === undefined) {
    out.push({ path: [...path, 'desktop_name'], rule: 'desktops-or-size', message: 'size needs desktop_name (or desktop_name_policy_id) to name the desktops', allowed: 'size with desktop_name' });
  }
  if (name !== undefined && size === 1 && !COMPUTER_NAME.test(name)) {
    out.push({ path: [...path, 'desktop_name'], rule: 'desktop-name', message: `"${name}" is the desktop's name and must be a valid computer_name`, allowed: '1-15 letters, digits and hyphens, not starting or ending with a hyphen' });
  }
  if (name !== undefined && size !== undefined && size > 1 && name.length > 13) {
    out.push({ path: [...path, 'desktop_name'], rule: 'desktop-name', message: `"${name}" is a prefix for ${size} desktops and may have at most 13 characters`, allowed: '1-13 characters when size > 1' });
  }
  const names = new Set<string>();
  (desktops ?? []).forEach((d, i) => {
    const p = windowsUserNameProblem(d['user_name'], d['user_group'], [...path, 'desktops', i, 'user_name']);
    if (p) out.push(p);
    const cn = d['computer_name'];
    if (typeof cn === 'string') {
      if (names.has(cn.toLowerCase())) {
        out.push({ path: [...path, 'desktops', i, 'computer_name'], rule: 'computer-name-unique', message: `computer_name "${cn}" appears more than once`, allowed: 'unique desktop names' });
      }
      names.add(cn.toLowerCase());
    }
  });
  out.push(...duplicateTagProblems(req['tags'] as Tag[] | undefined, [...path, 'tags']));
  return out;
}

function resourceProblems(type: OrderType, resource: Record<string, unknown>, index: number): Problem[] {
  const path: PathSegment[] = ['resources', index];
  const present = REQUEST_OBJECT_NAMES.filter((n) => resource[n] !== undefined);
  const expected = REQUEST_OBJECT_OF[type];
  const out: Problem[] = [];
  if (present.length === 0) {
    return [{ path: [...path, expected[0]!], rule: 'request-object', message: `a ${type} resource needs ${expected.join(' or ')}`, allowed: expected.join(' or ') }];
  }
  if (present.length > 1) {
    out.push({ path: [...path, present[1]!], rule: 'request-object', message: `a resource carries one request object, found ${present.join(', ')}`, allowed: expected.join(' or ') });
  }
  for (const name of present) {
    if (!expected.includes(name)) {
      out.push({ path: [...path, name], rule: 'type-mismatch', message: `${name} does not match order type ${type}`, allowed: expected.join(' or ') });
    }
  }
  out.push(...periodProblems(type, resource, path));
  const create = resource['create_desktops'] as Record<string, unknown> | undefined;
  if (create) out.push(...createDesktopsProblems(create, [...path, 'create_desktops']));
  const pool = resource['create_desktop_pool'] as Record<string, unknown> | undefined;
  if (pool) out.push(...duplicateTagProblems(pool['tags'] as Tag[] | undefined, [...path, 'create_desktop_pool', 'tags']));
  const internet = resource['apply_desktops_internet'] as Record<string, unknown> | undefined;
  if (internet && ((internet['desktop_ids'] as unknown[] | undefined)?.length ?? 0) === 0 && internet['count'] === undefined) {
    out.push({ path: [...path, 'apply_desktops_internet', 'count'], rule: 'required-field', message: 'count is required when desktop_ids is empty', allowed: 'desktop_ids, or count for EIPs bought separately' });
  }
  for (const [field, list] of [
    ['rebuild_desktops', (resource['rebuild_desktops'] as { desktop_ids?: string[] } | undefined)?.desktop_ids],
    ['apply_desktops_internet', (resource['apply_desktops_internet'] as { desktop_ids?: string[] } | undefined)?.desktop_ids],
  ] as const) {
    const seen = new Set<string>();
    (list ?? []).forEach((id, i) => {
      if (seen.has(id)) out.push({ path: [...path, field, 'desktop_ids', i], rule: 'desktop-id-unique', message: `desktop ${id} appears more than once`, allowed: 'each desktop once' });
      seen.add(id);
    });
  }
  const sharer = resource['subscribe_user_sharer'] as { users?: { user_id: string }[] } | undefined;
  const seenUsers = new Set<string>();
  (sharer?.users ?? []).forEach((u, i) => {
    if (seenUsers.has(u.user_id)) {
      out.push({ path: [...path, 'subscribe_user_sharer', 'users', i, 'user_id'], rule: 'user-unique', message: `user ${u.user_id} appears more than once`, allowed: 'each user once' });
    }
    seenUsers.add(u.user_id);
  });
  return out;
}

function countDesktops(body: OrderBodyT): number {
  let n = 0;
  for (const r of body.resources) {
    n += r.create_desktops?.desktops?.length ?? r.create_desktops?.size ?? 0;
    n += r.rebuild_desktops?.desktop_ids.length ?? 0;
  }
  return n;
}

/** Every problem with an order body, schema first, then the cross-field rules; empty when valid. */
export function orderBodyProblems(body: unknown, domainType: DomainType): Problem[] {
  const validate = compile<OrderBodyT>(bodySchemas[domainType]);
  if (!validate(body)) return problemsFromAjv(validate.errors);
  const out: Problem[] = [];
  body.resources.forEach((r, i) => out.push(...resourceProblems(body.type, r, i)));
  const desktops = countDesktops(body);
  if (desktops > MAX_DESKTOPS_PER_ORDER) {
    out.push({ path: ['resources'], rule: 'desktops-per-order', message: `the order holds ${desktops} desktops`, allowed: `at most ${MAX_DESKTOPS_PER_ORDER} desktops per order` });
  }
  return out;
}
