/** schemas/plan.schema.json is generated from PlanSchema (scripts/export-schemas.mjs) and must never drift from it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/plan/index.js';
import { REPO_ROOT } from './helpers.js';
import { examplePlan } from '../render/helpers.js';

const committed = readFileSync(path.join(REPO_ROOT, 'schemas/plan.schema.json'), 'utf8');
// ajv-formats is CommonJS; under NodeNext its callable export sits on `.default`.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

describe('schemas/plan.schema.json', () => {
  it('is exactly what PlanSchema generates today (regenerate: npm run build && node scripts/export-schemas.mjs)', () => {
    expect(committed).toBe(`${JSON.stringify(PlanSchema, null, 2)}\n`);
  });

  it('validates a real plan with a stock ajv, as a consumer of the contract would use it', async () => {
    // x-rule / x-allowed are documentation keywords of this project; a stock validator is told to ignore them.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(committed) as object);
    const plan: unknown = JSON.parse(JSON.stringify(await examplePlan()));
    expect(validate(plan) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...(plan as object), format_version: 2 })).toBe(false);
  });
});
