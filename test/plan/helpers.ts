/**
 * Builders shared by the planner tests: desired states from YAML documents (through the real loader,
 * in memory), recorded states as StateSnapshot objects, and a plan() wrapper that checks every planned
 * order body against the order API's rules and the plan against its JSON Schema.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig, type Config } from '../../src/config/index.js';
import { desiredLoadOptions } from '../../src/cli/desired.js';
import { buildDesiredState, loadDesiredState, type DesiredResource, type DesiredState, type LoadOptions } from '../../src/desired/index.js';
import { plan, planWithState, PlanSchema, type Plan, type PlanInput, type PlanResult } from '../../src/plan/index.js';
import { specHash, type JsonObject, type ResourceRecord, type StateSnapshot } from '../../src/state/index.js';
import { compile } from '../../src/validation/ajv.js';
import { orderBodyProblems } from '../../src/workspace/order-rules.js';
import type { DomainType } from '../../src/workspace/order-schema.js';

export const NOW = new Date('2026-03-01T08:00:00.000Z');
export const EARLIER = '2026-02-01T08:00:00.000Z';
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const LINEAGE = '5f0c2a9e-3b1d-4c7a-9e2f-000000000001';

export const IMAGE_A = 'e1d65e11-861c-459d-a3a8-ab150d79befc';
export const IMAGE_B = 'a2d5a4d0-7c3e-4f1b-8d9a-0000000000bb';
export const SUBNET = '197c1aa4-2611-48bd-a3af-ac4ce2c17c4c';
export const SECURITY_GROUP = '5b8a1c3e-0000-4000-8000-000000000001';

/** A Linux desktop configuration, as a team would write it without a profile. */
export const LINUX: JsonObject = {
  desktop_type: 'DEDICATED',
  availability_zone: 'cn-north-4a',
  product_id: 'workspace.k.xlarge2.uosv20pro',
  image_type: 'private',
  image_id: IMAGE_A,
  root_volume: { type: 'SAS', size: 80 },
  nics: [{ subnet_id: SUBNET }],
  security_groups: [{ id: SECURITY_GROUP }],
  tags: [{ key: 'team', value: 'platform' }],
};

export const POOL: JsonObject = {
  type: 'DYNAMIC',
  product_id: 'workspace.x86.ultimate.large2',
  image_type: 'gold',
  image_id: '8a1e4c2f-3b5d-4e6f-9a0b-1c2d3e4f5a6b',
  root_volume: { type: 'SSD', size: 100 },
  subnet_ids: ['2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d'],
};

export interface Doc {
  kind: string;
  name: string;
  spec: JsonObject;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

export function doc(kind: string, name: string, spec: JsonObject, metadata: { annotations?: Record<string, string>; labels?: Record<string, string> } = {}): Doc {
  return { kind, name, spec, ...metadata };
}

/** A desktop assigned to the user named after it, with the LINUX configuration unless overridden. */
export function desktop(name: string, spec: JsonObject = {}, metadata: { annotations?: Record<string, string> } = {}): Doc {
  return doc('Desktop', name, { ...LINUX, user: { user_name: name.replace(/-/g, '_'), user_group: 'sudo' }, ...spec }, metadata);
}

export function pool(name: string, size: number, spec: JsonObject = {}): Doc {
  return doc('DesktopPool', name, { ...POOL, size, ...spec });
}

function yamlOf(d: Doc): string {
  const metadata: Record<string, unknown> = { name: d.name };
  if (d.labels) metadata['labels'] = d.labels;
  if (d.annotations) metadata['annotations'] = d.annotations;
  return stringify({ apiVersion: 'workspace-gitops/v1', kind: d.kind, metadata, spec: d.spec }, { flowCollectionPadding: false });
}

export interface DesiredOptions {
  billing?: Partial<LoadOptions['billing']>;
  domainType?: DomainType;
}

/** The desired state of documents grouped by file, through the real loader; fails the test on any error. */
export function desiredOf(files: Record<string, Doc[]>, options: DesiredOptions = {}): DesiredState {
  const sources = Object.entries(files).map(([file, docs]) => ({ file: `desired-state/${file}`, absolutePath: `/repo/desired-state/${file}`, text: docs.map(yamlOf).join('---\n') }));
  const result = buildDesiredState(sources, {
    displayRoot: '/repo',
    domainType: options.domainType ?? 'LOCAL_AD',
    billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: true, ...options.billing },
    enterpriseProjectId: '0',
  });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors, 'the test desired state must be valid').toEqual([]);
  return result.state!;
}

/** The example repository at the project root, loaded with its own config (workspace-gitops.yaml). */
export async function exampleRepo(): Promise<{ config: Config; desired: DesiredState }> {
  const config = await loadConfig(REPO_ROOT, {}, {});
  const result = await loadDesiredState(config.desiredStateDir, desiredLoadOptions(config));
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { config, desired: result.state! };
}

export function resourceOf(desired: DesiredState, address: string): DesiredResource {
  const r = desired.byAddress.get(address);
  if (!r) throw new Error(`no ${address} in the desired state`);
  return r;
}

/** A deterministic cloud id for a name (ids are opaque to the planner). */
export function cloudIdOf(address: string): string {
  return `id-${address.replace('/', '-').toLowerCase()}`;
}

/** A BSS order id shaped like the real ones (CS + yyMMddHHmm + 5 characters), stable per address. */
export function orderIdOf(address: string): string {
  return `CS2602010800${createHash('sha256').update(address).digest('hex').slice(0, 5).toUpperCase()}`;
}

/** What the state holds once `spec` was ordered and became active, unless overridden. */
export function recordOf(address: string, spec: JsonObject | undefined, overrides: Partial<ResourceRecord> = {}): ResourceRecord {
  const i = address.indexOf('/');
  return {
    address,
    kind: address.slice(0, i),
    name: address.slice(i + 1),
    ...(spec === undefined ? {} : { spec, spec_hash: specHash(spec) }),
    status: 'active',
    order_ids: [orderIdOf(address)],
    cloud_id: cloudIdOf(address),
    created_at: EARLIER,
    updated_at: EARLIER,
    ...overrides,
  };
}

/** Records for every resource of a desired state, as if each had been ordered exactly so and were active. */
export function recordsMatching(desired: DesiredState, overrides: (r: DesiredResource) => Partial<ResourceRecord> = () => ({})): ResourceRecord[] {
  return desired.resources.map((r) => recordOf(r.address, r.spec, overrides(r)));
}

export function snapshotOf(records: readonly ResourceRecord[], serial = 7): StateSnapshot {
  return { format_version: 1, lineage: LINEAGE, serial, resources: Object.fromEntries(records.map((r) => [r.address, r])) };
}

export function emptyState(): StateSnapshot {
  return { format_version: 1, lineage: '', serial: 0, resources: {} };
}

/** The state after every order of `p` was placed and provisioned: targets recorded, all active, cloud ids known. */
export function appliedFrom(p: Plan, base: StateSnapshot): StateSnapshot {
  const resources = { ...base.resources };
  p.orders.forEach((o, i) => {
    for (const [address, target] of Object.entries(o.targets)) {
      const before = resources[address];
      resources[address] = {
        ...recordOf(address, target.spec, { order_ids: [...(before?.order_ids ?? []), `CS2603010800${String(i).padStart(5, '0')}`] }),
        ...(before?.cloud_id === undefined ? {} : { cloud_id: before.cloud_id }),
      };
    }
  });
  return { ...base, lineage: base.lineage === '' ? LINEAGE : base.lineage, serial: base.serial + 1, resources };
}

const validatePlan = compile<Plan>(PlanSchema);

/** Every planned order body must be one the order API accepts, and the plan must match its schema. */
export function checkPlan(p: Plan, domainType: DomainType = 'LOCAL_AD'): Plan {
  for (const o of p.orders) expect(orderBodyProblems(o.body, domainType), `order ${o.id} (${o.type}) body`).toEqual([]);
  expect(validatePlan(p) ? [] : validatePlan.errors).toEqual([]);
  return p;
}

/** plan() at the fixed test time, checked. */
export function planOf(input: Omit<PlanInput, 'now'>, domainType: DomainType = 'LOCAL_AD'): Plan {
  return checkPlan(plan({ now: NOW, ...input }), domainType);
}

export function planWithStateOf(input: Omit<PlanInput, 'now'>): PlanResult {
  const result = planWithState({ now: NOW, ...input });
  checkPlan(result.plan);
  return result;
}

/** `address → action` of a plan's changes, for assertions that read like the plan. */
export function actions(p: Plan): Record<string, string> {
  return Object.fromEntries(p.changes.map((c) => [c.address, c.action]));
}

export function changeOf(p: Plan, address: string) {
  const c = p.changes.find((x) => x.address === address);
  if (!c) throw new Error(`no change for ${address}`);
  return c;
}
