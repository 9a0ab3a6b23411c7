/**
 * Rules that span a document's fields or several documents: names that double as cloud names,
 * uniqueness across resources, and references between kinds. Run after each document passed its schema.
 */
import { didYouMean } from '../diagnostics.js';
import { duplicateTagProblems, windowsUserNameProblem } from '../workspace/order-rules.js';
import {
  BandwidthName,
  ComputerName,
  HostName,
  PERIOD_NUM_MAX,
  PoolName,
  type DomainType,
  type Tag,
} from '../workspace/order-schema.js';
import type { Billing } from '../config/config.js';
import type { PathSegment } from '../validation/problems.js';
import type { Doc, Reporter } from './load.js';

export interface ValidDoc {
  doc: Doc;
  /** The spec with its profile merged in. */
  spec: Record<string, unknown>;
  profile?: string;
  fromProfile: Set<string>;
}

interface CheckContext {
  domainType: DomainType;
  /** The config's billing: what a resource's own billing is completed with. */
  billing: Billing;
  profiles: ReadonlyMap<string, Doc>;
  /** Every Desktop name declared, valid or not: a reference to an invalid one is not "unknown". */
  declaredDesktops: ReadonlySet<string>;
}

type Annotated = { pattern: string; 'x-rule': string; 'x-allowed': string };

function nameRule(schema: unknown): Annotated {
  return schema as Annotated;
}

/** Where a merged field came from: the resource itself or its profile. */
function origin(v: ValidDoc, ctx: CheckContext, field: string): Doc {
  if (v.profile && v.fromProfile.has(field)) return ctx.profiles.get(v.profile) ?? v.doc;
  return v.doc;
}

const compiled = new Map<string, RegExp>();
/** Each name rule's pattern, compiled once: this runs for every desktop of a large repository. */
function patternOf(schema: Annotated): RegExp {
  let re = compiled.get(schema.pattern);
  if (!re) {
    re = new RegExp(schema.pattern);
    compiled.set(schema.pattern, re);
  }
  return re;
}

/** When metadata.name doubles as a cloud name (computer_name, pool name …), it must meet that name's rule. */
function checkNameAsCloudName(v: ValidDoc, field: string | undefined, schema: Annotated, report: Reporter): void {
  if (field !== undefined && v.spec[field] !== undefined) return;
  if (patternOf(schema).test(v.doc.name)) return;
  const what = field ?? 'name';
  report.at(v.doc, ['metadata', 'name'], schema['x-rule'], `"${v.doc.name}" is used as the ${v.doc.kind}'s ${what} and is not valid`, schema['x-allowed']);
}

/**
 * Years are limited to 3 (months to 9, by the schema). The check runs on the billing an order would
 * carry — the config's defaults completed by the profile and the resource — because `period_num: 5`
 * in a resource is fine on its own and wrong only under a config that says `period_type: year`.
 */
function checkBilling(v: ValidDoc, ctx: CheckContext, report: Reporter): void {
  const own = (v.spec['billing'] ?? {}) as { period_type?: string; period_num?: number };
  // A profile is not ordered: only what it states itself can be wrong.
  const effective = v.doc.kind === 'DesktopProfile' ? own : { ...ctx.billing, ...own };
  if (effective.period_type !== 'year' || effective.period_num === undefined || effective.period_num <= PERIOD_NUM_MAX.year) return;
  const field = own.period_num !== undefined ? 'period_num' : 'period_type';
  const source = own.period_type === undefined ? ' (period_type year comes from the config)' : own.period_num === undefined ? ' (period_num comes from the config)' : '';
  const where = own.period_type !== undefined || own.period_num !== undefined ? ['spec', 'billing', field] : ['spec'];
  report.at(origin(v, ctx, 'billing'), where, 'period-num', `${effective.period_num} years is more than ${PERIOD_NUM_MAX.year}${source}`, `1-${PERIOD_NUM_MAX.year} years or 1-${PERIOD_NUM_MAX.month} months`);
}

function checkTags(v: ValidDoc, ctx: CheckContext, report: Reporter): void {
  for (const p of duplicateTagProblems(v.spec['tags'] as Tag[] | undefined, ['spec', 'tags'])) report.problem(origin(v, ctx, 'tags'), p);
}

function firstSeen(map: Map<string, { doc: Doc; path: PathSegment[] }>, key: string, v: ValidDoc, path: PathSegment[], report: Reporter, rule: string, what: string, allowed: string): void {
  const first = map.get(key);
  if (!first) {
    map.set(key, { doc: v.doc, path });
    return;
  }
  report.at(v.doc, path, rule, `${what} is already used by ${first.doc.kind}/${first.doc.name} at ${report.where(first.doc, first.path)}`, allowed);
}

export function crossDocumentProblems(valid: readonly ValidDoc[], ctx: CheckContext, report: Reporter): void {
  const computerNames = new Map<string, { doc: Doc; path: PathSegment[] }>();
  const subnets = new Map<string, { doc: Doc; path: PathSegment[] }>();
  const sharerUsers = new Map<string, { doc: Doc; path: PathSegment[] }>();
  const internetDesktops = new Map<string, { doc: Doc; path: PathSegment[] }>();
  const desktops = new Map(valid.filter((v) => v.doc.kind === 'Desktop').map((v) => [v.doc.name, v]));

  for (const v of valid) {
    checkBilling(v, ctx, report);
    switch (v.doc.kind) {
      case 'Desktop': {
        checkNameAsCloudName(v, 'computer_name', nameRule(ComputerName), report);
        const computerName = (v.spec['computer_name'] as string | undefined) ?? v.doc.name;
        const path: PathSegment[] = v.spec['computer_name'] !== undefined ? ['spec', 'computer_name'] : ['metadata', 'name'];
        firstSeen(computerNames, computerName.toLowerCase(), v, path, report, 'computer-name-unique', `computer_name "${computerName}"`, 'a computer_name used by one desktop only (case-insensitive)');
        const user = v.spec['user'] as { user_name?: string; user_group?: string } | undefined;
        const p = windowsUserNameProblem(user?.user_name, user?.user_group, ['spec', 'user', 'user_name']);
        if (p) report.problem(v.doc, p);
        checkTags(v, ctx, report);
        break;
      }
      case 'DesktopPool':
        checkNameAsCloudName(v, undefined, nameRule(PoolName), report);
        checkTags(v, ctx, report);
        break;
      case 'SubnetBandwidth': {
        checkNameAsCloudName(v, 'bandwidth_name', nameRule(BandwidthName), report);
        const subnet = v.spec['subnet_id'] as string;
        firstSeen(subnets, subnet, v, ['spec', 'subnet_id'], report, 'duplicate-subnet-bandwidth', `subnet ${subnet}`, 'one Workspace bandwidth per subnet');
        break;
      }
      case 'ExclusiveHost':
        checkNameAsCloudName(v, 'name', nameRule(HostName), report);
        break;
      case 'DesktopInternet': {
        const names = v.spec['desktops'] as string[];
        names.forEach((name, i) => {
          const path: PathSegment[] = ['spec', 'desktops', i];
          const desktop = desktops.get(name);
          // A declared Desktop that failed its own checks is reported where it is declared.
          if (!desktop && ctx.declaredDesktops.has(name)) return;
          if (!desktop) {
            const hint = didYouMean(name, desktops.keys());
            report.at(v.doc, path, 'unknown-desktop', `no Desktop named "${name}" is declared${hint ? `; did you mean "${hint}"?` : ''}`, 'names of declared Desktops');
            return;
          }
          if (desktop.spec['eip'] !== undefined) {
            report.at(v.doc, path, 'internet-conflict', `Desktop/${name} already gets an EIP through its spec.eip`, 'desktops without spec.eip');
            return;
          }
          firstSeen(internetDesktops, name, v, path, report, 'duplicate-internet-desktop', `Desktop/${name}`, 'each desktop in one DesktopInternet only');
        });
        break;
      }
      case 'UserSharer': {
        const users = v.spec['users'] as { user_id: string }[];
        users.forEach((u, i) => {
          firstSeen(sharerUsers, u.user_id, v, ['spec', 'users', i, 'user_id'], report, 'duplicate-sharer-user', `user ${u.user_id}`, 'each user subscribed once');
        });
        break;
      }
      default:
        break;
    }
  }
}
