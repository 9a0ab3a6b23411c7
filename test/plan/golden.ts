/**
 * Golden files: the committed JSON of a plan is its specification. `UPDATE_GOLDEN=1` rewrites them
 * (review every change by eye before committing); otherwise the plan must equal its golden exactly.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

const GOLDEN_DIR = path.join(import.meta.dirname, 'golden');

export function expectGolden(name: string, value: unknown): void {
  const file = path.join(GOLDEN_DIR, `${name}.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${path.relative(process.cwd(), file)}: run UPDATE_GOLDEN=1 npx vitest run test/plan and review it`);
  expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}
