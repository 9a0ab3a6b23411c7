/** The plan in a terminal: colour only on a TTY, one line per change, orders with their billing, and the summary line. */
import { describe, expect, it } from 'vitest';
import { colours, plain, renderPlanText, styleFor, summaryLine } from '../../src/render/index.js';
import type { Plan } from '../../src/plan/index.js';
import { examplePlan } from './helpers.js';

const ANSI = '\u001b[';

function withSummary(summary: Partial<Plan['summary']>, plan: Plan): Plan {
  return { ...plan, summary: { ...plan.summary, ...summary } };
}

describe('renderPlanText', () => {
  it('has no colour when stdout is not a terminal, or when NO_COLOR is set', async () => {
    const plan = await examplePlan();
    expect(styleFor(false, {})).toBe(plain);
    expect(styleFor(true, { NO_COLOR: '1' })).toBe(plain);
    expect(renderPlanText(plan, styleFor(false, {}))).not.toContain(ANSI);
    expect(renderPlanText(plan, styleFor(true, {}))).toContain(ANSI);
    expect(styleFor(true, {})).toBe(colours);
  });

  it('ends with the summary line: Plan: N to create, N to update, N blocked; N orders', async () => {
    const text = renderPlanText(await examplePlan(), plain);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 10 to create, 0 to update, 1 blocked; 7 orders');
  });

  it('counts orders and drift in the summary line, singular when there is one', async () => {
    const plan = await examplePlan();
    expect(summaryLine(withSummary({ create: 1, blocked: 0, orders: 1 }, plan))).toBe('Plan: 1 to create, 0 to update, 0 blocked; 1 order');
    expect(summaryLine(withSummary({ create: 0, blocked: 0, orders: 0, drift: 2 }, plan))).toBe('Plan: 0 to create, 0 to update, 0 blocked; 0 orders; 2 drifted resources');
  });

  it('lists every change but the no-ops with where it is declared and why, then the orders with their billing', async () => {
    const plan = await examplePlan();
    const text = renderPlanText(plan, plain);
    expect(text).toContain('  + Desktop/alice-dev create createDesktops (desired-state/teams/platform.yaml:2)\n      new desktop: createDesktops');
    expect(text).toContain('  ! DesktopInternet/design-internet blocked (desired-state/teams/design.yaml:21)\n      waiting: Desktop/des-frank, Desktop/alice-dev have no desktop_id yet');
    expect(text).toMatch(/^ {2}4\. createDesktops ord-[0-9a-f]{24}: alice-dev, bob-dev, carol-dev \[month×1, auto-renew, auto-pay\]$/m);
    expect(text).toMatch(/^ {2}2\. createExclusiveHosts ord-[0-9a-f]{24}: callcentre-hosts \[year×1, auto-renew, auto-pay\]$/m);
    expect(text.split('\n')).toContain(`Desired state ${plan.bound_to.desired_digest.slice(0, 12)}; recorded state serial 0 (empty)`);
  });

  it('counts unchanged resources instead of listing them, and shows each diff line', async () => {
    const plan = await examplePlan();
    const changed: Plan = {
      ...plan,
      changes: plan.changes.map((c, i) =>
        i === 0 ? { ...c, action: 'blocked', operation: null, reason: 'SubnetBandwidth change cannot be ordered', diff: [{ path: 'bandwidth_size', op: 'change', before: 100, after: 200 }] } : { ...c, action: 'no-op', operation: null, reason: 'up to date' },
      ),
      orders: [],
    };
    const text = renderPlanText(changed, plain);
    expect(text).toContain('  ! SubnetBandwidth/office-bandwidth blocked (desired-state/shared/network.yaml:2)\n      SubnetBandwidth change cannot be ordered\n      ~ bandwidth_size: 100 → 200\n');
    expect(text).toContain('\n10 resources unchanged.\n');
    expect(text).not.toContain('Orders (');
  });
});
