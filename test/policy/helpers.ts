/**
 * Building policy sets and desired states in memory, through the real loaders, from YAML written
 * line by line so that each test can state the line and column it expects.
 */
import { expect } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { buildDesiredState, type DesiredState } from '../../src/desired/index.js';
import { buildPolicySet, type PolicySet } from '../../src/policy/index.js';
import type { SourceFile } from '../../src/source/index.js';
import type { JsonObject, ResourceRecord } from '../../src/state/index.js';
import { specHash } from '../../src/state/index.js';

export const NOW = new Date('2026-11-28T08:00:00.000Z');
export const IMAGE_A = 'e1d65e11-861c-459d-a3a8-ab150d79befc';
export const IMAGE_B = '8a1e4c2f-3b5d-4e6f-9a0b-1c2d3e4f5a6b';
export const IMAGE_X = '00000000-0000-4000-8000-00000000000x';

export function files(entries: Record<string, string>): SourceFile[] {
  return Object.entries(entries).map(([file, text]) => ({ file, absolutePath: `/repo/${file}`, text }));
}

export function lines(...parts: string[]): string {
  return `${parts.join('\n')}\n`;
}

/** A Policy document; `spec` lines are indented under `spec:` by the caller. */
export function policy(name: string, ...spec: string[]): string {
  return lines('apiVersion: workspace-gitops/v1', 'kind: Policy', `metadata: {name: ${name}}`, 'spec:', ...spec);
}

export function exemption(name: string, ...spec: string[]): string {
  return lines('apiVersion: workspace-gitops/v1', 'kind: PolicyExemption', `metadata: {name: ${name}}`, 'spec:', ...spec);
}

export function loadSet(entries: Record<string, string>): { set: PolicySet | undefined; diagnostics: Diagnostic[] } {
  return buildPolicySet(files(entries));
}

/** A set that must load without errors. */
export function set(entries: Record<string, string>): PolicySet {
  const result = loadSet(entries);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.set!;
}

/** `rule file:line:column`, the part of a diagnostic a test pins down. */
export function at(d: Diagnostic): string {
  return `${d.rule} ${d.file}:${d.line}:${d.column}`;
}

export interface DesktopOptions {
  labels?: string;
  annotations?: string;
  image?: string;
  root?: number;
  data?: number[];
  profile?: string;
  extra?: string[];
}

/** A valid Desktop document; with a profile, the image and disks come from it. */
export function desktop(name: string, o: DesktopOptions = {}): string {
  const own = o.profile
    ? [`  profile: ${o.profile}`]
    : [
        '  desktop_type: DEDICATED',
        '  availability_zone: cn-north-4a',
        '  product_id: workspace.k.xlarge2.uosv20pro',
        '  image_type: private',
        `  image_id: ${o.image ?? IMAGE_A}`,
        `  root_volume: {type: SAS, size: ${o.root ?? 80}}`,
        '  nics: [{subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c}]',
      ];
  return lines(
    'apiVersion: workspace-gitops/v1',
    'kind: Desktop',
    'metadata:',
    `  name: ${name}`,
    ...(o.labels ? [`  labels: ${o.labels}`] : []),
    ...(o.annotations ? [`  annotations: ${o.annotations}`] : []),
    'spec:',
    ...own,
    ...(o.data ? [`  data_volumes: [${o.data.map((s) => `{type: SAS, size: ${s}}`).join(', ')}]`] : []),
    `  user: {user_name: ${name.replace(/[^a-z0-9]/g, '')}, user_email: ${name}@example.com, user_group: users}`,
    ...(o.extra ?? []),
  );
}

export function pool(name: string, size: number, labels = '{team: training}'): string {
  return lines(
    'apiVersion: workspace-gitops/v1',
    'kind: DesktopPool',
    'metadata:',
    `  name: ${name}`,
    `  labels: ${labels}`,
    'spec:',
    '  type: DYNAMIC',
    `  size: ${size}`,
    '  product_id: workspace.x86.ultimate.large2',
    '  image_type: gold',
    `  image_id: ${IMAGE_B}`,
    '  root_volume: {type: SSD, size: 100}',
    '  subnet_ids: [2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d]',
    '  authorized_objects:',
    '    - {object_type: USER_GROUP, object_id: 7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f, object_name: trainees, user_group: users}',
  );
}

export function profile(name: string, image = IMAGE_A): string {
  return lines(
    'apiVersion: workspace-gitops/v1',
    'kind: DesktopProfile',
    `metadata: {name: ${name}}`,
    'spec:',
    '  desktop_type: DEDICATED',
    '  availability_zone: cn-north-4a',
    '  product_id: workspace.k.xlarge2.uosv20pro',
    '  image_type: private',
    `  image_id: ${image}`,
    '  root_volume: {type: SAS, size: 80}',
    '  nics: [{subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c}]',
  );
}

export function desired(entries: Record<string, string>): DesiredState {
  const result = buildDesiredState(files(entries), {
    displayRoot: '/repo',
    domainType: 'LOCAL_AD',
    billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: true },
    enterpriseProjectId: '0',
  });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.state!;
}

/** The record of a resource once its order went through and it is running. */
export function active(address: string, spec: JsonObject, cloudId: string): ResourceRecord {
  const [kind, name] = address.split('/') as [string, string];
  return { address, kind, name, spec, spec_hash: specHash(spec), status: 'active', order_ids: ['CS2611010000ABCDE'], cloud_id: cloudId, created_at: NOW.toISOString(), updated_at: NOW.toISOString() };
}
