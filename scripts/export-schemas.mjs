#!/usr/bin/env node
/**
 * Writes the JSON Schemas of the project's stable file formats to schemas/, from the compiled TypeBox
 * schemas in dist/ (run `npm run build` first): the TypeBox schema is the single source of truth and
 * the committed JSON is generated from it. test/plan/schema.test.ts fails when the two drift apart.
 *
 *   node scripts/export-schemas.mjs           write schemas/*.json
 *   node scripts/export-schemas.mjs --check   exit 1 if a committed file differs from what would be written
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

/** Each exported schema: the compiled module, the export, and the file it is written to. */
const EXPORTS = [{ module: 'dist/plan/types.js', name: 'PlanSchema', file: 'schemas/plan.schema.json' }];

/** The text a schema is committed as; the test builds the same text from src/. */
function schemaText(schema) {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

let stale = 0;
for (const { module, name, file } of EXPORTS) {
  const schema = (await import(pathToFileURL(path.join(root, module)).href))[name];
  if (schema === undefined) throw new Error(`${module} does not export ${name}; run npm run build first`);
  const target = path.join(root, file);
  const text = schemaText(schema);
  if (check) {
    const committed = await readFile(target, 'utf8').catch(() => '');
    if (committed !== text) {
      console.error(`${file} is out of date: run npm run build && node scripts/export-schemas.mjs`);
      stale++;
    }
    continue;
  }
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, text);
  console.log(`wrote ${file}`);
}
if (stale > 0) process.exitCode = 1;
