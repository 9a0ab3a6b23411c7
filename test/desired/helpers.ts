/**
 * Writing desired-state repositories into temp folders and loading them with the real loader.
 * Documents are built from lines so every test can state, by hand, the line and column it expects.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { loadDesiredState, type LoadOptions, type LoadResult } from '../../src/desired/index.js';

const created: string[] = [];

/** Temp folders made by this test file are removed when it ends. Call once at the top of a test file. */
export function cleanTempDirsAfterAll(): void {
  afterAll(() => {
    for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

export type Entry = string | Buffer | { symlink: string };

/** A fresh folder holding `files` (paths relative to it, folders created as needed). */
export function tempRepo(files: Record<string, Entry> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsgo-test-'));
  created.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, Entry>): void {
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) symlinkSync(content.symlink, full);
    else writeFileSync(full, content);
  }
}

export function loadOptions(root: string, overrides: Partial<LoadOptions> = {}): LoadOptions {
  return {
    displayRoot: root,
    domainType: 'LOCAL_AD',
    billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: false },
    enterpriseProjectId: '0',
    ...overrides,
  };
}

/** Write `files` into a temp folder and load it; paths in diagnostics are relative to that folder. */
export async function load(files: Record<string, Entry>, overrides: Partial<LoadOptions> = {}): Promise<LoadResult> {
  const root = tempRepo(files);
  return loadDesiredState(root, loadOptions(root, overrides));
}

/** `rule file:line:column`, the part of a diagnostic a test pins down. */
export function at(d: Diagnostic): string {
  return `${d.rule} ${d.file}:${d.line}:${d.column}`;
}

export function errors(result: LoadResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'error');
}

/** Lines joined into a file's text, with the final newline. */
export function text(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** Lines 1-5 of every document built here: the spec's own lines start at line 6. */
export function head(kind: string, name: string): string[] {
  return ['apiVersion: workspace-gitops/v1', `kind: ${kind}`, 'metadata:', `  name: ${name}`, 'spec:'];
}

/**
 * A valid document of `kind` whose spec starts with `specLines` (line 6 onwards); the required
 * fields the lines do not set are appended after them, so they never shift the lines under test.
 */
function build(kind: string, defaults: string[], specLines: string[], name: string): string {
  const given = new Set(specLines.map((l) => /^ {2}([a-z_]+):/.exec(l)?.[1]).filter((k): k is string => k !== undefined));
  const rest = defaults.filter((l) => !given.has(/^ {2}([a-z_]+):/.exec(l)![1]!));
  return text(...head(kind, name), ...specLines, ...rest);
}

export const DESKTOP_DEFAULTS = [
  '  desktop_type: DEDICATED',
  '  product_id: workspace.k.xlarge2.uosv20pro',
  '  image_type: private',
  '  image_id: e1d65e11-861c-459d-a3a8-ab150d79befc',
  '  root_volume: {type: SAS, size: 80}',
];

export function desktop(specLines: string[] = [], name = 'alice-dev'): string {
  return build('Desktop', DESKTOP_DEFAULTS, specLines, name);
}

export function pool(specLines: string[] = [], name = 'training'): string {
  return build(
    'DesktopPool',
    [
      '  type: DYNAMIC',
      '  size: 10',
      '  product_id: workspace.x86.ultimate.large2',
      '  image_type: gold',
      '  image_id: 8a1e4c2f-3b5d-4e6f-9a0b-1c2d3e4f5a6b',
      '  root_volume: {type: SSD, size: 100}',
      '  subnet_ids: [2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d]',
    ],
    specLines,
    name,
  );
}

export function internet(specLines: string[] = [], name = 'office-internet'): string {
  return build('DesktopInternet', ['  desktops: [alice-dev]', '  eip_type: 5_bgp', '  eip_charge_mode: BANDWIDTH', '  bandwidth_size: 10'], specLines, name);
}

export function bandwidth(specLines: string[] = [], name = 'office-bandwidth'): string {
  return build('SubnetBandwidth', ['  subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c', '  bandwidth_size: 100'], specLines, name);
}

export function host(specLines: string[] = [], name = 'callcentre-hosts'): string {
  return build(
    'ExclusiveHost',
    [
      '  availability_zone: cn-north-4a',
      '  quantity: 2',
      '  product_id: workspace.dedicated.host.c6',
      '  image_volumes: [{type: SAS, size: 80}]',
      '  memory_volumes: [{type: SAS, size: 100}]',
      '  vpc_id: 3f2e1d0c-9b8a-4765-8432-10fedcba9876',
      '  subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c',
    ],
    specLines,
    name,
  );
}

export function sharer(specLines: string[] = [], name = 'collaboration'): string {
  return build('UserSharer', ['  user_sharer_sku: workspace.usersharer.standard', '  users: [{user_id: u-0001, user_name: alice}]'], specLines, name);
}

export function profile(specLines: string[], name = 'linux-standard'): string {
  return text(...head('DesktopProfile', name), ...specLines);
}

/** Documents of one file, separated by `---`. */
export function docs(...documents: string[]): string {
  return documents.join('---\n');
}
