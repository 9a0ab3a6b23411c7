/** `plan --format json`: the stable contract, valid against PlanSchema whatever the plan holds. */
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/cli/commands/plan.js';
import type { CommandContext } from '../../src/cli/main.js';
import { PlanSchema, PLAN_FORMAT_VERSION, type Plan } from '../../src/plan/index.js';
import { compile } from '../../src/validation/ajv.js';
import { estatePlan, examplePlan } from './helpers.js';

const validate = compile<Plan>(PlanSchema);
const ctx: CommandContext = {
  io: { stdout: () => undefined, stderr: () => undefined, isTTY: true, env: {}, cwd: '/', now: () => new Date(0), signal: new AbortController().signal },
  exitCode: 0,
  debug: false,
};

function errorsOf(value: unknown) {
  return validate(value) ? [] : validate.errors;
}

describe('plan JSON', () => {
  it('is the plan itself, pretty-printed, and validates against PlanSchema', async () => {
    const plan = await examplePlan();
    const text = renderPlan(plan, 'json', ctx);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed: unknown = JSON.parse(text);
    expect(parsed).toEqual(plan);
    expect(errorsOf(parsed)).toEqual([]);
    expect(plan.format_version).toBe(PLAN_FORMAT_VERSION);
  });

  it('validates for a large plan with blocked changes', () => {
    expect(errorsOf(JSON.parse(JSON.stringify(estatePlan(500))))).toEqual([]);
  });

  it('is refused by the schema when it breaks the contract', async () => {
    const plan = await examplePlan();
    expect(errorsOf({ ...plan, format_version: 2 })).not.toEqual([]);
    expect(errorsOf({ ...plan, changes: [{ ...plan.changes[0]!, action: 'delete' }] })).not.toEqual([]);
    expect(errorsOf({ ...plan, orders: [{ ...plan.orders[0]!, body: { ...plan.orders[0]!.body, type: 'deleteDesktops' } }] })).not.toEqual([]);
    expect(errorsOf({ ...plan, surprise: true })).not.toEqual([]);
    expect(errorsOf({ ...plan, bound_to: { ...plan.bound_to, state_serial: -1 } })).not.toEqual([]);
  });
});
