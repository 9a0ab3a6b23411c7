/**
 * Policy engine benchmark: the example policies (policies/*.yaml) evaluated over 10,000 desktops
 * (100 files, 2 profiles) by the compiled code. Measured apart: compiling the policies (load + CEL
 * compile), `policy check` (resource scope, no plan), and the gate of `plan` (resource and plan
 * scope over a 10,000-change plan, `change` bound to each desktop). One desktop in a hundred runs an
 * unapproved image, so violations are explained and located (a re-parse of the files they point
 * into) as they would be in a real run.
 *
 * Run alone: `node scripts/bench.mjs policy` (after `npm run build`).
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importDist, loadOptions, loadValid, median, pad, time } from './_support.mjs';

const FILES = 100;
const PER_FILE = 100;
const DESKTOPS = FILES * PER_FILE;
const RUNS = 5;
const WARMUP = 1;
const NOW = new Date('2026-11-28T08:00:00.000Z');
const TARGET_CHECK_MS = 1000;
const BAD_IMAGE = '0badc0de-0000-4000-8000-000000000000';

/** Leaner than _support.mjs's PROFILES (no security groups): the policy results were measured on these. */
const PROFILES = `apiVersion: workspace-gitops/v1
kind: DesktopProfile
metadata: {name: linux-standard}
spec:
  desktop_type: DEDICATED
  availability_zone: cn-north-4a
  product_id: workspace.k.xlarge2.uosv20pro
  image_type: private
  image_id: e1d65e11-861c-459d-a3a8-ab150d79befc
  root_volume: {type: SAS, size: 80}
  nics: [{subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c}]
---
apiVersion: workspace-gitops/v1
kind: DesktopProfile
metadata: {name: windows-office}
spec:
  desktop_type: DEDICATED
  availability_zone: cn-north-4b
  product_id: workspace.x86.ultimate.large2
  image_type: gold
  image_id: 8a1e4c2f-3b5d-4e6f-9a0b-1c2d3e4f5a6b
  root_volume: {type: SSD, size: 100}
  data_volumes: [{type: SSD, size: 100}]
  nics: [{subnet_id: 2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d}]
`;

function desktop(f, i) {
  const n = f * PER_FILE + i;
  const name = `t${pad(f, 3)}-u${pad(i, 3)}`;
  const user = `u${pad(n, 5)}`;
  const bad = n % 100 === 99;
  return [
    'apiVersion: workspace-gitops/v1',
    'kind: Desktop',
    'metadata:',
    `  name: ${name}`,
    `  labels: {team: team-${pad(f, 3)}, tier: ${f % 4 === 0 ? 'dev' : 'prod'}}`,
    'spec:',
    `  profile: ${f % 3 === 0 ? 'windows-office' : 'linux-standard'}`,
    ...(bad ? [`  image_id: ${BAD_IMAGE}`] : []),
    `  user: {user_name: ${user}, user_email: ${user}@example.com, user_group: users}`,
    `  tags: [{key: team, value: team-${pad(f, 3)}}, {key: cost-center, value: cc-${1000 + f}}]`,
  ].join('\n');
}

async function generate(dir, root) {
  await mkdir(path.join(dir, 'desired-state'), { recursive: true });
  await writeFile(path.join(dir, 'desired-state', 'profiles.yaml'), PROFILES);
  for (let f = 0; f < FILES; f++) {
    const docs = Array.from({ length: PER_FILE }, (_, i) => desktop(f, i));
    await writeFile(path.join(dir, 'desired-state', `team-${pad(f, 3)}.yaml`), `${docs.join('\n---\n')}\n`);
  }
  await cp(path.join(root, 'policies'), path.join(dir, 'policies'), { recursive: true });
}

async function modules(dist) {
  const [desired, planner, policy, state] = await importDist(dist, 'desired', 'plan', 'policy', 'state');
  return { desired, planner, policy, state };
}

export async function run(ctx) {
  const m = await modules(ctx.dist);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wsgo-bench-policy-'));
  try {
    await generate(dir, ctx.root);
    const desired = await loadValid(m.desired, path.join(dir, 'desired-state'), loadOptions(dir));
    const loadPolicies = () => m.policy.loadPolicySet(path.join(dir, 'policies'), { displayRoot: dir });
    const first = await loadPolicies();
    if (!first.set) throw new Error(`example policies are invalid: ${JSON.stringify(first.diagnostics.slice(0, 3))}`);
    const set = first.set;
    const rules = set.policies.reduce((n, p) => n + p.rules.length, 0);
    ctx.log(`[bench] policy: ${set.policies.length} policies (${rules} rules) over ${DESKTOPS} desktops in ${dir}`);

    const plan = m.planner.plan({ desired, recorded: m.state.emptySnapshot(), now: NOW });
    const gate = m.policy.createPolicyGate(set, { now: () => NOW });
    const check = () => m.policy.evaluatePolicies(set, { desired, now: NOW });
    const gated = () => gate(plan, desired, {});
    // A violation's file:line:column comes from re-parsing the file it points into (the loader keeps texts,
    // not ASTs). A single CLI run pays that once per file; the daemon keeps the parsed files. "cold" drops
    // them before each run to measure the first, "warm" keeps them.
    const cold = (fn) => () => {
      desired.sources.release();
      return fn();
    };

    for (let i = 0; i < WARMUP; i++) {
      await loadPolicies();
      check();
      gated();
    }
    const compile = [];
    const checks = [];
    const coldChecks = [];
    const gates = [];
    const coldGates = [];
    for (let i = 0; i < RUNS; i++) {
      compile.push(await time(loadPolicies));
      coldChecks.push(await time(cold(check)));
      checks.push(await time(check));
      coldGates.push(await time(cold(gated)));
      gates.push(await time(gated));
    }
    const outcome = check();
    const report = gated().policy;
    const denied = outcome.report.violations.filter((v) => v.enforcement === 'deny').length;
    const checkMs = median(checks);
    const runs = `median of ${RUNS} after ${WARMUP} warm-up`;
    return [
      { metric: 'desktops', value: DESKTOPS, unit: 'resources', note: `${FILES} files, 2 profiles; 1 in 100 on an unapproved image` },
      { metric: 'example policies', value: set.policies.length, unit: 'policies', note: `${rules} rules, ${set.tests.reduce((n, t) => n + t.cases.length, 0)} test cases` },
      { metric: 'load + compile policies', value: median(compile), unit: 'ms', note: `read, schema-check, CEL compile; ${runs}` },
      { metric: 'policy check (resource scope), warm', value: checkMs, unit: 'ms', note: `files already parsed; ${runs}; target ≤ ${TARGET_CHECK_MS}`, target: { max: TARGET_CHECK_MS }, ok: checkMs <= TARGET_CHECK_MS },
      { metric: 'per desktop, warm', value: (checkMs * 1000) / DESKTOPS, unit: 'µs', note: `${outcome.report.evaluated} policies each` },
      { metric: 'policy check, cold', value: median(coldChecks), unit: 'ms', note: `incl. re-parsing the ${FILES} files the violations point into; ${runs}` },
      { metric: 'plan gate (resource + plan scope), warm', value: median(gates), unit: 'ms', note: `over a ${plan.changes.length}-change plan, change bound per desktop; ${runs}` },
      { metric: 'plan gate, cold', value: median(coldGates), unit: 'ms', note: `incl. re-parsing for locations; ${runs}` },
      { metric: 'violations found', value: outcome.report.violations.length, unit: 'violations', note: `${denied} deny, each with values and file:line`, ok: denied === DESKTOPS / 100 },
      { metric: 'plan gate violations', value: report.violations.length, unit: 'violations', note: `incl. blast-radius (plan scope): ${report.violations.some((v) => v.policy === 'blast-radius') ? 'denied' : 'passed'}` },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `node scripts/bench/policy.mjs --generate DIR` writes the repository (desired state + example policies) for profiling.
if (process.argv[2] === '--generate') {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  await generate(path.resolve(process.argv[3]), root);
}
