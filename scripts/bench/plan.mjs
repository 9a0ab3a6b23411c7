/**
 * Planner benchmark: 10,000 desktops (200 groups of 50 identical configurations) + 200 pools across
 * 100 files, planned by the compiled code against an empty recorded state and against a fully applied
 * one, beside the time merely to read and parse the same files with the yaml package, in the same
 * process and the same run. "Plan" is what `workspace-gitops plan` does before rendering: load and
 * validate the desired state, then call the planner. Targets: plan within 3× parse-only (aim 1.5×),
 * peak RSS under 500 MB, and exactly the minimum number of orders: 200 createDesktops (50 desktops
 * each) + 200 createDesktopPool = 400.
 *
 * Peak memory is the RSS high-water mark (`process.resourceUsage().maxRSS`) of a fresh child process
 * per measurement, as in load.mjs: in the benchmark process the high-water mark only grows. The child
 * reads the applied state from a JSON file, as the CLI reads state.json.
 *
 * Run alone: `node scripts/bench.mjs plan` (after `npm run build`). To profile:
 * `node scripts/bench/plan.mjs --generate /tmp/repo`, then
 * `node --cpu-prof scripts/bench/plan.mjs --child plan-applied /tmp/repo dist`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const FILES = 100;
const GROUPS_PER_FILE = 2;
const GROUP_SIZE = 50;
const POOLS_PER_FILE = 2;
const DESKTOPS = FILES * GROUPS_PER_FILE * GROUP_SIZE;
const POOLS = FILES * POOLS_PER_FILE;
/** 50 desktops per createDesktops order, one order per pool of at most 100 desktops. */
const MIN_ORDERS = DESKTOPS / GROUP_SIZE + POOLS;
const RUNS = 7;
const WARMUP = 2;
const TARGET_RATIO = 3;
const AIM_RATIO = 1.5;
const TARGET_RSS_MB = 500;
const NOW = new Date('2026-03-01T08:00:00.000Z');
/** The options the loader parses with (src/source/yaml.ts), so both sides do the same work. */
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, schema: 'core' };
const TO_JS_OPTIONS = { maxAliasCount: 100 };

const PROFILES = `# Shared profiles; a resource's own fields win.
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

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/**
 * One desktop of group `g`. Every desktop of a group has the same configuration (profile, tags,
 * volumes, billing) and its own user, so a group is exactly one createDesktops order of 50.
 */
function desktop(g, i) {
  const name = `g${pad(g, 3)}-u${pad(i, 2)}`;
  const user = `u${pad(g, 3)}x${pad(i, 2)}`;
  const windows = g % 3 === 0;
  const lines = [`apiVersion: workspace-gitops/v1`, `kind: Desktop`, `metadata:`, `  name: ${name}`, `  labels: {team: team-${pad(g, 3)}, tier: ${g % 4 === 0 ? 'dev' : 'prod'}}`, `spec:`];
  if (g % 10 === 0) {
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
    `    user_group: ${windows ? 'users' : g % 2 === 0 ? 'sudo' : 'default'}`,
    `  data_volumes:`,
    `    - {type: SAS, size: ${100 + (g % 5) * 10}}`,
    ...(g % 7 === 0 ? [`    - {type: GPSSD, size: 500}`] : []),
    `  tags:`,
    `    - {key: team, value: team-${pad(g, 3)}}`,
    `    - {key: cost-center, value: cc-${1000 + g}}`,
  );
  if (g % 5 === 0) lines.push(`  billing: {period_type: year, period_num: 1}`);
  return lines.join('\n');
}

function pool(f, j) {
  return [
    `apiVersion: workspace-gitops/v1`,
    `kind: DesktopPool`,
    `metadata:`,
    `  name: pool-${pad(f, 3)}-${j}`,
    `  labels: {team: team-${pad(f, 3)}}`,
    `spec:`,
    `  type: ${j % 2 === 0 ? 'DYNAMIC' : 'STATIC'}`,
    `  size: ${20 + ((f * 7 + j * 13) % 81)}`,
    `  product_id: workspace.x86.ultimate.large2`,
    `  image_type: gold`,
    `  image_id: 8a1e4c2f-3b5d-4e6f-9a0b-1c2d3e4f5a6b`,
    `  root_volume: {type: SSD, size: 100}`,
    `  data_volumes:`,
    `    - {type: SAS, size: ${50 + j * 10}}`,
    `  subnet_ids: [2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d]`,
    `  authorized_objects:`,
    `    - {object_type: USER_GROUP, object_id: 7c1d2e3f-4a5b-4c6d-8e7f-${pad(f, 12)}, object_name: team-${pad(f, 3)}, user_group: users}`,
    `  tags: [{key: team, value: team-${pad(f, 3)}}]`,
  ].join('\n');
}

async function generate(dir) {
  await mkdir(path.join(dir, 'desired-state'), { recursive: true });
  for (let f = 0; f < FILES; f++) {
    const docs = [];
    for (let k = 0; k < GROUPS_PER_FILE; k++) for (let i = 0; i < GROUP_SIZE; i++) docs.push(desktop(f * GROUPS_PER_FILE + k, i));
    for (let j = 0; j < POOLS_PER_FILE; j++) docs.push(pool(f, j));
    const head = `# Desktops and pools of team ${pad(f, 3)} (generated by scripts/bench/plan.mjs)\n`;
    const body = docs.join('\n---\n');
    await writeFile(path.join(dir, 'desired-state', `team-${pad(f, 3)}.yaml`), f === 0 ? `${PROFILES}---\n${body}\n` : `${head}${body}\n`);
  }
}

function desiredDir(dir) {
  return path.join(dir, 'desired-state');
}

/** The yaml package alone: read every file, parse every document, convert it to plain values. */
async function parseOnly(dir) {
  const folder = desiredDir(dir);
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

async function modules(dist) {
  const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
  const [desired, planner, state] = await Promise.all([load('desired/index.js'), load('plan/index.js'), load('state/index.js')]);
  return { desired, planner, state };
}

async function loadDesired(m, dir) {
  const result = await m.desired.loadDesiredState(desiredDir(dir), {
    displayRoot: dir,
    domainType: 'LOCAL_AD',
    billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: false },
    enterpriseProjectId: '0',
  });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  // A benchmark of the error path would flatter the planner: the generated repository must be valid.
  if (!result.state || errors.length > 0) throw new Error(`generated desired state is invalid: ${JSON.stringify(errors.slice(0, 3))}`);
  return result.state;
}

/** What `plan` computes before rendering: load + validate the desired state, then the pure planner. */
async function loadAndPlan(m, dir, snapshot) {
  const desired = await loadDesired(m, dir);
  return m.planner.plan({ desired, recorded: snapshot, now: NOW });
}

/** The recorded state once every order of the first plan was placed and provisioned: all active, cloud ids known. */
function appliedSnapshot(firstPlan) {
  const resources = {};
  let n = 0;
  for (const order of firstPlan.orders) {
    const orderId = `CS2603010800${pad(n++, 5)}`;
    for (const [address, target] of Object.entries(order.targets)) {
      resources[address] = {
        address,
        kind: target.kind,
        name: target.name,
        spec: target.spec,
        spec_hash: target.spec_hash,
        status: 'active',
        order_ids: [orderId],
        cloud_id: `0c2f${pad(n, 4)}-${pad(Object.keys(resources).length, 4)}-4bbb-8ccc-000000000000`,
        created_at: NOW.toISOString(),
        updated_at: NOW.toISOString(),
      };
    }
  }
  return { format_version: 1, lineage: 'bench-lineage', serial: 2, resources };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function time(fn) {
  globalThis.gc?.();
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const execFileAsync = promisify(execFile);

/** Peak RSS (MB) of a fresh process doing `mode` once. */
async function peakRss(mode, dir, dist) {
  const { stdout } = await execFileAsync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, dir, dist], { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout).maxRssMB;
}

async function child(mode, dir, dist) {
  const m = await modules(dist);
  if (mode === 'parse') await parseOnly(dir);
  if (mode === 'plan-empty') await loadAndPlan(m, dir, m.state.emptySnapshot());
  if (mode === 'plan-applied') {
    const snapshot = JSON.parse(await readFile(path.join(dir, 'applied-state.json'), 'utf8'));
    await loadAndPlan(m, dir, snapshot);
  }
  // maxRSS is in kilobytes.
  process.stdout.write(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

function ratioRow(metric, ratio) {
  const aim = ratio <= AIM_RATIO ? `, within the ${AIM_RATIO}× aim` : `, above the ${AIM_RATIO}× aim`;
  return { metric, value: ratio, unit: '×', note: `target ≤ ${TARGET_RATIO}${aim}`, target: { max: TARGET_RATIO, of: 'parse only (yaml)' }, ok: ratio <= TARGET_RATIO };
}

function rssRow(metric, mb, note) {
  return { metric, value: mb, unit: 'MB', note: `${note}; target < ${TARGET_RSS_MB}`, target: { max: TARGET_RSS_MB }, ok: mb < TARGET_RSS_MB };
}

export async function run(ctx) {
  const m = await modules(ctx.dist);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wsgo-bench-plan-'));
  try {
    await generate(dir);
    const folder = desiredDir(dir);
    const bytes = (await Promise.all((await readdir(folder)).map((n) => readFile(path.join(folder, n))))).reduce((n, b) => n + b.length, 0);
    ctx.log(`[bench] plan: ${FILES} files, ${DESKTOPS} desktops + ${POOLS} pools, ${(bytes / 2 ** 20).toFixed(1)} MB in ${dir}`);

    const empty = m.state.emptySnapshot();
    const first = await loadAndPlan(m, dir, empty);
    const applied = appliedSnapshot(first);
    await writeFile(path.join(dir, 'applied-state.json'), JSON.stringify(applied));
    const second = await loadAndPlan(m, dir, applied);
    const unchanged = second.summary.no_op === DESKTOPS + POOLS && second.orders.length === 0;
    if (!unchanged) throw new Error(`the fully applied state still plans changes: ${JSON.stringify(second.summary)}`);

    const desired = await loadDesired(m, dir);
    for (let i = 0; i < WARMUP; i++) {
      await parseOnly(dir);
      await loadAndPlan(m, dir, empty);
      await loadAndPlan(m, dir, applied);
    }
    // Interleaved, so a slow phase of the machine hits every side alike.
    const parse = [];
    const planEmpty = [];
    const planApplied = [];
    const plannerEmpty = [];
    const plannerApplied = [];
    for (let i = 0; i < RUNS; i++) {
      parse.push(await time(() => parseOnly(dir)));
      planEmpty.push(await time(() => loadAndPlan(m, dir, empty)));
      planApplied.push(await time(() => loadAndPlan(m, dir, applied)));
      plannerEmpty.push(await time(() => m.planner.plan({ desired, recorded: empty, now: NOW })));
      plannerApplied.push(await time(() => m.planner.plan({ desired, recorded: applied, now: NOW })));
    }

    const parseMs = median(parse);
    const emptyMs = median(planEmpty);
    const appliedMs = median(planApplied);
    const baseRss = await peakRss('baseline', dir, ctx.dist);
    const parseRss = await peakRss('parse', dir, ctx.dist);
    const emptyRss = await peakRss('plan-empty', dir, ctx.dist);
    const appliedRss = await peakRss('plan-applied', dir, ctx.dist);
    const runs = `median of ${RUNS} after ${WARMUP} warm-up`;
    const createDesktops = first.orders.filter((o) => o.type === 'createDesktops');
    const fullBatches = createDesktops.every((o) => o.addresses.length === GROUP_SIZE);
    return [
      { metric: 'resources', value: DESKTOPS + POOLS, unit: 'resources', note: `${DESKTOPS} desktops + ${POOLS} pools in ${FILES} files, ${(bytes / 2 ** 20).toFixed(1)} MB` },
      { metric: 'parse only (yaml)', value: parseMs, unit: 'ms', note: `read + parseAllDocuments + toJS; ${runs}` },
      { metric: 'plan, empty state', value: emptyMs, unit: 'ms', note: `load + validate + plan(); ${runs}` },
      ratioRow('ratio plan (empty) / parse', emptyMs / parseMs),
      { metric: 'plan, applied state', value: appliedMs, unit: 'ms', note: `load + validate + plan(); all ${DESKTOPS + POOLS} no-op; ${runs}` },
      ratioRow('ratio plan (applied) / parse', appliedMs / parseMs),
      { metric: 'planner alone, empty state', value: median(plannerEmpty), unit: 'ms', note: 'plan() on the loaded desired state' },
      { metric: 'planner alone, applied state', value: median(plannerApplied), unit: 'ms', note: 'plan() on the loaded desired state' },
      {
        metric: 'orders, empty state',
        value: first.orders.length,
        unit: 'orders',
        note: `minimum ${MIN_ORDERS}: ${createDesktops.length} createDesktops${fullBatches ? ` (all of ${GROUP_SIZE})` : ' (NOT all full)'} + ${first.orders.length - createDesktops.length} other`,
        target: { max: MIN_ORDERS },
        ok: first.orders.length === MIN_ORDERS && fullBatches,
      },
      { metric: 'orders, applied state', value: second.orders.length, unit: 'orders', note: 'nothing left to order', ok: second.orders.length === 0 },
      { metric: 'peak RSS, modules only', value: baseRss, unit: 'MB', note: 'child process: node + planner imported' },
      { metric: 'peak RSS, parse only', value: parseRss, unit: 'MB', note: 'child process, one run' },
      rssRow('peak RSS, plan empty state', emptyRss, 'child process, one run'),
      rssRow('peak RSS, plan applied state', appliedRss, 'child process, one run, state read from JSON'),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `node scripts/bench/plan.mjs --generate DIR` writes the repository (and its applied state) for profiling.
if (process.argv[2] === '--child') {
  const [, , , mode, dir, dist] = process.argv;
  await child(mode, dir, dist);
} else if (process.argv[2] === '--generate') {
  const dir = path.resolve(process.argv[3]);
  const m = await modules(path.resolve(process.argv[4] ?? 'dist'));
  await generate(dir);
  await writeFile(path.join(dir, 'applied-state.json'), JSON.stringify(appliedSnapshot(await loadAndPlan(m, dir, m.state.emptySnapshot()))));
}
