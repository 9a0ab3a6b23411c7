/** The plan as a PR comment: complete when small, cut with a note when it would pass GitHub's 65,536-character limit. */
import { describe, expect, it } from 'vitest';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from '../../src/render/index.js';
import { estatePlan, examplePlan } from './helpers.js';

const NOTE = /^> ✂️ [\d,]+ rows not shown: a comment is limited to 65,536 characters\. Run `workspace-gitops plan` for the full plan\.$/m;

describe('renderPlanMarkdown', () => {
  it('shows a small plan whole: summary, counts per kind, blocked changes, every change and order, and no truncation note', async () => {
    const plan = await examplePlan();
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('**Plan: 10 to create, 0 to update, 1 blocked; 7 orders**');
    expect(md).toContain('| Desktop | 6 | 0 | 0 | 0 |');
    expect(md).toContain('#### ⛔ Blocked (1)');
    expect(md).toContain('<details><summary><b>Desktop</b>: 6 to order</summary>');
    expect(md).toContain('<details><summary><b>Orders</b> (7)</summary>');
    expect(md).toMatch(/\| 4 \| createDesktops \| `ord-[0-9a-f]{24}` \| 3 \| alice-dev, bob-dev, carol-dev \|/);
    expect(md).not.toMatch(NOTE);
    expect(md.endsWith(`<sub>desired state \`${plan.bound_to.desired_digest.slice(0, 12)}\` · recorded state serial 0 · plan format 1</sub>\n`)).toBe(true);
  });

  it('keeps a plan of 20,000 desktops under the comment limit, with the summary first and a note saying how much was left out', () => {
    const plan = estatePlan(20_000);
    expect(plan.summary).toMatchObject({ create: 20_000, blocked: 200, orders: 400 });
    const md = renderPlanMarkdown(plan);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('**Plan: 20000 to create, 0 to update, 200 blocked; 400 orders**');
    expect(md).toContain('| Desktop | 20000 | 0 | 200 | 0 |');
    // Blocked changes come before the long lists, so they are never what gets cut.
    expect(md).toContain('#### ⛔ Blocked (200)');
    expect(md.match(/^\| ⛔ \| `gone-\d{4}` \|/gm)).toHaveLength(200);
    const [note] = md.match(NOTE)!;
    const shownRows = md.match(/^\| ➕ \| `d\d{5}` \|/gm)?.length ?? 0;
    const shownOrders = md.match(/^\| \d+ \| createDesktops \|/gm)?.length ?? 0;
    expect(Number(note.match(/[\d,]+/)![0].replace(/,/g, ''))).toBe(20_000 - shownRows + (400 - shownOrders));
    // Tables stay well formed: every <details> opened is closed.
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
  });

  it('escapes pipes and line breaks in reasons so a table row stays one row', async () => {
    const plan = await examplePlan();
    const tricky = { ...plan, changes: plan.changes.map((c) => (c.action === 'blocked' ? { ...c, reason: 'a | b\nc' } : c)) };
    expect(renderPlanMarkdown(tricky)).toContain('| a \\| b c |');
  });
});
