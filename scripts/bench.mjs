#!/usr/bin/env node
/**
 * Benchmark runner (`npm run bench`): runs every section in scripts/bench/*.mjs, or only the ones named
 * on the command line, and prints one table (or, with --json, one JSON document on stdout).
 *
 * A section is one file exporting `async function run(ctx)` that returns rows
 * `{ metric, value, unit, note?, target?: { max, of? }, ok? }`. Sections measure against the compiled
 * `dist/` (npm run bench builds first) so the numbers are those of what users run. A file whose name
 * starts with `_` is not a section but code the sections share (scripts/bench/_support.mjs).
 *
 *   node scripts/bench.mjs              all sections
 *   node scripts/bench.mjs load         one section
 *   node scripts/bench.mjs --json       machine output (progress goes to stderr)
 *   node scripts/bench.mjs --strict     exit 1 when a row misses its target
 *   node scripts/bench.mjs --dist DIR   measure another build (e.g. the previous commit's) for before/after
 */
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const sectionsDir = path.join(here, 'bench');

const args = process.argv.slice(2);
const json = args.includes('--json');
const strict = args.includes('--strict');
const distAt = args.indexOf('--dist');
const dist = distAt === -1 ? path.join(root, 'dist') : path.resolve(args[distAt + 1] ?? 'dist');
const wanted = args.filter((a, i) => !a.startsWith('--') && (distAt === -1 || i !== distAt + 1));

async function sectionNames() {
  const entries = await readdir(sectionsDir);
  return entries.filter((f) => f.endsWith('.mjs') && !f.startsWith('_')).map((f) => f.slice(0, -'.mjs'.length)).sort();
}

function formatValue(value) {
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function table(results) {
  const head = ['section', 'metric', 'value', 'unit', 'note'];
  const body = [];
  for (const { section, rows } of results) {
    for (const r of rows) {
      const flag = r.ok === false ? ' MISSED' : r.ok === true ? ' ok' : '';
      body.push([section, r.metric, formatValue(r.value), r.unit ?? '', `${r.note ?? ''}${flag}`.trim()]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

const available = await sectionNames();
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(1);
}
const selected = wanted.length > 0 ? wanted : available;
const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryMB: Math.round(os.totalmem() / 2 ** 20) };
// Progress and section chatter go to stderr so `--json` leaves stdout pure JSON.
const ctx = { root, dist, log: (message) => console.error(message), machine };

const results = [];
for (const name of selected) {
  const mod = await import(pathToFileURL(path.join(sectionsDir, `${name}.mjs`)).href);
  if (typeof mod.run !== 'function') throw new Error(`scripts/bench/${name}.mjs does not export run(ctx)`);
  ctx.log(`[bench] ${name} …`);
  const rows = await mod.run({ ...ctx, section: name });
  results.push({ section: name, rows });
}

if (json) console.log(JSON.stringify({ machine, sections: results }, null, 2));
else console.log(`\n${table(results)}\n\nnode ${machine.node}, ${machine.platform}, ${machine.cpus} × ${machine.cpu}`);
const missed = results.flatMap((r) => r.rows).filter((r) => r.ok === false);
if (strict && missed.length > 0) process.exitCode = 1;
