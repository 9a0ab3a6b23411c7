/**
 * The plan as a PR comment: summary table, policy results and blocked changes first, then one
 * collapsed section per kind, the orders and drift. Kept under GitHub's 65,536-character comment
 * limit; when it would not fit, rows are cut and a note says how many were left out.
 */
import { RESOURCE_KINDS } from '../desired/kinds.js';
import type { Change, Plan, PolicyViolationJson } from '../plan/types.js';
import { summaryLine } from './plan-text.js';
import { showValue } from './values.js';
import { whereOf } from './policy-text.js';

export const GITHUB_COMMENT_LIMIT = 65_536;
/** Room kept for the truncation note and the closing lines. */
const RESERVE = 600;

const ICON: Record<Change['action'], string> = { create: '➕', update: '🔧', blocked: '⛔', 'no-op': '·' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function changeRow(c: Change): string {
  const diff = c.diff.length > 0 ? `<br>${c.diff.slice(0, 5).map((d) => `\`${cell(d.path)}\`: ${cell(d.op === 'change' ? `${showValue(d.before, 40)} → ${showValue(d.after, 40)}` : d.op === 'add' ? `+ ${showValue(d.after, 60)}` : `− ${showValue(d.before, 60)}`)}`).join('<br>')}${c.diff.length > 5 ? `<br>… ${c.diff.length - 5} more` : ''}` : '';
  const where = c.file ? `\`${c.file}:${c.line ?? 1}\`` : '';
  return `| ${ICON[c.action]} | \`${cell(c.name)}\` | ${c.action} | ${c.operation ?? ''} | ${cell(c.reason)}${diff} | ${where} |`;
}

const TABLE_HEAD = ['| | Resource | Action | Order | Why | Declared at |', '|---|---|---|---|---|---|'];

class Budget {
  private readonly parts: string[] = [];
  private used = 0;
  omitted = 0;
  constructor(private readonly limit: number) {}
  fits(text: string): boolean {
    return this.used + text.length + 1 <= this.limit;
  }
  add(text: string): boolean {
    if (!this.fits(text)) return false;
    this.parts.push(text);
    this.used += text.length + 1;
    return true;
  }
  /** Adds a table with as many rows as fit; returns how many rows were left out. */
  table(head: string[], rows: string[], open: string, close: string): number {
    if (!this.fits([open, ...head, close].join('\n'))) return rows.length;
    this.add(open);
    for (const h of head) this.add(h);
    let shown = 0;
    for (const row of rows) {
      if (!this.fits(`${row}\n${close}`)) break;
      this.add(row);
      shown++;
    }
    this.add(close);
    return rows.length - shown;
  }
  text(): string {
    return this.parts.join('\n');
  }
}

export function renderPlanMarkdown(plan: Plan, limit = GITHUB_COMMENT_LIMIT): string {
  const budget = new Budget(limit - RESERVE);
  const s = plan.summary;
  budget.add('### workspace-gitops plan');
  budget.add('');
  budget.add(`**${summaryLine(plan)}**${plan.policy.denied ? ' — ⛔ **denied by policy: nothing will be ordered**' : ''}`);
  budget.add('');
  budget.add('| Kind | create | update | blocked | unchanged |');
  budget.add('|---|---:|---:|---:|---:|');
  for (const kind of RESOURCE_KINDS) {
    const of = plan.changes.filter((c) => c.kind === kind);
    if (of.length === 0) continue;
    const n = (a: Change['action']) => of.filter((c) => c.action === a).length;
    budget.add(`| ${kind} | ${n('create')} | ${n('update')} | ${n('blocked')} | ${n('no-op')} |`);
  }
  budget.add('');

  const violations = plan.policy.violations.filter((v) => v.enforcement !== 'audit');
  if (violations.length > 0 || plan.policy.warnings.length > 0) budget.add('#### Policy');
  if (violations.length > 0) {
    // Messages and values are written by policy authors: angle brackets are shown, never taken for HTML.
    const text = (s: string) => cell(s).replace(/</g, '&lt;').replace(/>/g, '&gt;');
    // The values the rule read explain the failure without a trip to the logs; long ones are cut.
    const values = (v: PolicyViolationJson) => Object.entries(v.values ?? {}).slice(0, 3).map(([path, value]) => `<br>\`${cell(path)}\` = ${text(showValue(value, 60))}`).join('');
    const rows = violations.map((v) => `| ${v.exempted_by ? `🟢 exempt (${cell(v.exempted_by)})` : v.enforcement === 'deny' ? '⛔ deny' : '⚠️ warn'} | \`${cell(v.policy)}/${cell(v.rule)}\` | ${v.address ? `\`${cell(v.address)}\`` : 'plan'} | ${text(v.message)}${values(v)} | ${v.file ? `\`${whereOf(v)}\`` : ''} |`);
    budget.omitted += budget.table(['| Result | Policy/rule | Resource | Message | At |', '|---|---|---|---|---|'], rows, '', '');
  }
  for (const w of plan.policy.warnings) budget.add(`> ⚠️ ${cell(w).replace(/</g, '&lt;')}\n`);

  const blocked = plan.changes.filter((c) => c.action === 'blocked');
  if (blocked.length > 0) {
    budget.add(`#### ⛔ Blocked (${blocked.length})`);
    budget.omitted += budget.table(TABLE_HEAD, blocked.map(changeRow), '', '');
  }

  for (const kind of RESOURCE_KINDS) {
    const of = plan.changes.filter((c) => c.kind === kind && (c.action === 'create' || c.action === 'update'));
    if (of.length === 0) continue;
    budget.omitted += budget.table(TABLE_HEAD, of.map(changeRow), `<details><summary><b>${kind}</b>: ${of.length} to order</summary>\n`, '\n</details>\n');
  }

  if (plan.orders.length > 0) {
    const rows = plan.orders.map((o, i) => `| ${i + 1} | ${o.type} | \`${o.id}\` | ${o.addresses.length} | ${cell(o.addresses.slice(0, 8).map((a) => a.slice(a.indexOf('/') + 1)).join(', '))}${o.addresses.length > 8 ? ' …' : ''} |`);
    budget.omitted += budget.table(['| # | Type | Id | Resources | Names |', '|---:|---|---|---:|---|'], rows, `<details><summary><b>Orders</b> (${s.orders})</summary>\n`, '\n</details>\n');
  }

  if (plan.drift.length > 0) {
    budget.add(`#### Drift (${plan.drift.length})`);
    const rows = plan.drift.map((d) => `| \`${cell(d.address)}\` | ${d.kind} | ${cell(d.message)} |`);
    budget.omitted += budget.table(['| Resource | Kind | What |', '|---|---|---|'], rows, '', '');
  }

  const tail: string[] = [];
  if (budget.omitted > 0) {
    tail.push(`> ✂️ ${budget.omitted} rows not shown: a comment is limited to ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')} characters. Run \`workspace-gitops plan\` for the full plan.`);
  }
  const b = plan.bound_to;
  tail.push(`<sub>desired state \`${b.desired_digest.slice(0, 12)}\`${b.git_revision ? ` at \`${b.git_revision.slice(0, 12)}\`` : ''} · recorded state serial ${b.state_serial} · plan format ${plan.format_version}</sub>`);
  return `${budget.text()}\n${tail.join('\n\n')}\n`;
}
