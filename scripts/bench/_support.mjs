/**
 * What the benchmark sections share: the generated desired-state repositories (profiles, desktops, team
 * files), the compiled modules they measure, the yaml-only baseline, timing, and peak memory measured in a
 * fresh child process. Not a section: scripts/bench.mjs skips files whose name starts with `_`.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

export function pad(n, width) {
  return String(n).padStart(width, '0');
}

// ------------------------------------------------------------------------------- generated repositories

/** The two profiles the generated desktops use; written in front of the first team file. */
export const PROFILES = `# Shared profiles: one Linux, one Windows; a resource's own fields win.
apiVersion: workspace-gitops/v1
kind: DesktopProfile
metadata:
  name: linux-standard
spec:
  desktop_type: DEDICATED
  availability_zone: cn-north-4a
  product_id: workspace.k.xlarge2.uosv20pro
  image_type: private
  image_id: e1d65e11-861c-459d-a3a8-ab150d79befc
  root_volume: {type: SAS, size: 80}
  nics:
    - subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c
  security_groups:
    - id: 5b8a1c3e-0000-4000-8000-000000000001
  email_notification: false
---
apiVersion: workspace-gitops/v1
kind: DesktopProfile
metadata:
  name: windows-office
spec:
  desktop_type: DEDICATED
  availability_zone: cn-north-4b
  product_id: workspace.x86.ultimate.large2
  image_type: gold
  image_id: 8a1e4c2f-3b5d-4e6f-9a0b-1c2d3e4f5a6b
  root_volume: {type: SSD, size: 100}
  data_volumes:
    - {type: SSD, size: 100}
  nics:
    - subnet_id: 2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d
  subnet_ids: [2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d]
`;

/**
 * A Desktop of team `team` for `user`. `variant` picks the configuration: every 10th spells out its whole
 * configuration instead of using a profile, every 3rd uses the Windows profile, and the tier, user group,
 * data volumes and billing vary with it as well, so desktops of the same variant share one configuration.
 */
export function desktopDocument({ name, user, team, variant }) {
  const windows = variant % 3 === 0;
  const lines = [
    `apiVersion: workspace-gitops/v1`,
    `kind: Desktop`,
    `metadata:`,
    `  name: ${name}`,
    `  labels: {team: team-${pad(team, 3)}, tier: ${variant % 4 === 0 ? 'dev' : 'prod'}}`,
    `spec:`,
  ];
  if (variant % 10 === 0) {
    lines.push(
      `  desktop_type: DEDICATED`,
      `  availability_zone: cn-north-4a`,
      `  product_id: workspace.x86.ultimate.xlarge4`,
      `  image_type: private`,
      `  image_id: e1d65e11-861c-459d-a3a8-ab150d79befc`,
      `  root_volume:`,
      `    type: SSD`,
      `    size: 120`,
      `  nics:`,
      `    - subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c`,
    );
  } else {
    lines.push(`  profile: ${windows ? 'windows-office' : 'linux-standard'}`);
  }
  lines.push(
    `  user:`,
    `    user_name: ${user}`,
    `    user_email: ${user}@example.com`,
    `    user_group: ${windows ? 'users' : variant % 2 === 0 ? 'sudo' : 'default'}`,
    `  data_volumes:`,
    `    - {type: SAS, size: ${100 + (variant % 5) * 10}}`,
    ...(variant % 7 === 0 ? [`    - {type: GPSSD, size: 500}`] : []),
    `  tags:`,
    `    - {key: team, value: team-${pad(team, 3)}}`,
    `    - {key: cost-center, value: cc-${1000 + team}}`,
  );
  if (variant % 5 === 0) lines.push(`  billing: {period_type: year, period_num: 1}`);
  return lines.join('\n');
}

/**
 * Writes `team-000.yaml` … into `folder`, one file per team: the documents `documentsOf(team)` as one YAML
 * stream, after PROFILES in the first file and after the comment `# heading(team)` in the others.
 */
export async function writeTeamFiles(folder, teams, documentsOf, heading) {
  await mkdir(folder, { recursive: true });
  for (let f = 0; f < teams; f++) {
    const body = documentsOf(f).join('\n---\n');
    await writeFile(path.join(folder, `team-${pad(f, 3)}.yaml`), f === 0 ? `${PROFILES}---\n${body}\n` : `# ${heading(f)}\n${body}\n`);
  }
}

/** Total size in bytes of the files in `folder`. */
export async function folderBytes(folder) {
  const contents = await Promise.all((await readdir(folder)).map((n) => readFile(path.join(folder, n))));
  return contents.reduce((n, b) => n + b.length, 0);
}

// ------------------------------------------------------------------------------------ the code measured

/** The compiled modules `names` (e.g. 'desired', 'plan') of the build at `dist`, each from its index.js, in that order. */
export function importDist(dist, ...names) {
  return Promise.all(names.map((name) => import(pathToFileURL(path.join(dist, name, 'index.js')).href)));
}

/** The loader options a workspace-gitops.yaml with LOCAL_AD and monthly, auto-renewed billing gives. */
export function loadOptions(displayRoot, { cache, autoPay = false } = {}) {
  return {
    displayRoot,
    domainType: 'LOCAL_AD',
    billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: autoPay },
    enterpriseProjectId: '0',
    ...(cache ? { cache } : {}),
  };
}

/** Loads and validates the generated desired state in `folder` with the compiled `desired` module. */
export async function loadValid(desired, folder, options) {
  const result = await desired.loadDesiredState(folder, options);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  // A benchmark of the error path would flatter the code measured: the generated repository must be valid.
  if (!result.state || errors.length > 0) throw new Error(`generated desired state is invalid: ${JSON.stringify(errors.slice(0, 3))}`);
  return result.state;
}

/** The options the loader parses with (src/source/yaml.ts), so the baseline does the same work. */
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, schema: 'core' };
const TO_JS_OPTIONS = { maxAliasCount: 100 };

/** The yaml package alone: read every file in `folder`, parse every document, convert it to plain values. */
export async function parseOnly(folder) {
  const names = (await readdir(folder)).filter((n) => n.endsWith('.yaml')).sort();
  let documents = 0;
  for (const name of names) {
    const text = await readFile(path.join(folder, name), 'utf8');
    for (const doc of parseAllDocuments(text, PARSE_OPTIONS)) {
      if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0].message}`);
      doc.toJS(TO_JS_OPTIONS);
      documents++;
    }
  }
  return documents;
}

// ---------------------------------------------------------------------------------------------- timing

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds `fn` takes, after a garbage collection when node runs with --expose-gc. */
export async function time(fn) {
  globalThis.gc?.();
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// -------------------------------------------------------------------------------- child-process memory

const execFileAsync = promisify(execFile);

/**
 * Runs `node <script> --child ...args` and returns the JSON it prints. Peak memory is measured this way
 * because the RSS high-water mark of the benchmark process itself only ever grows: it would report the
 * worst of everything that ran before.
 */
export async function runChild(scriptUrl, args) {
  const { stdout } = await execFileAsync(process.execPath, [fileURLToPath(scriptUrl), '--child', ...args], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout);
}

/** The RSS high-water mark of this process so far, in MB. */
export function maxRssMB() {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

/** Peak RSS (MB) of a fresh process running `node <script> --child ...args` once; the child ends with printPeakRss(). */
export async function peakRss(scriptUrl, ...args) {
  return (await runChild(scriptUrl, args)).maxRssMB;
}

/** The child side of peakRss: prints this process's peak RSS for the parent to read. */
export function printPeakRss() {
  process.stdout.write(JSON.stringify({ maxRssMB: maxRssMB() }));
}
