/** The plan for a terminal: one line per change (no-ops counted, not listed), its diff, the orders and a summary line. */
import type { Change, FieldDiff, Plan, PlannedOrder } from '../plan/types.js';
import type { Style } from './style.js';
import { plural, showValue } from './values.js';
import { renderPolicyText } from './policy-text.js';

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', blocked: '!', 'no-op': ' ' };

function colourFor(style: Style, action: Change['action']): (s: string) => string {
  if (action === 'create') return style.green;
  if (action === 'update') return style.yellow;
  if (action === 'blocked') return style.red;
  return style.dim;
}

function diffLine(d: FieldDiff, style: Style): string {
  if (d.op === 'add') return `      ${style.green('+')} ${d.path}: ${showValue(d.after)}`;
  if (d.op === 'remove') return `      ${style.red('-')} ${d.path}: ${showValue(d.before)}`;
  return `      ${style.yellow('~')} ${d.path}: ${showValue(d.before)} → ${showValue(d.after)}`;
}

export function orderLine(o: PlannedOrder, index: number): string {
  const resource = o.body.resources[0];
  const billing = resource?.period_type === undefined ? '' : ` [${resource.period_type === 3 ? 'year' : 'month'}×${resource.period_num ?? 1}${resource.is_auto_renew === 1 ? ', auto-renew' : ''}${o.body.extend_param?.is_auto_pay === 'true' ? ', auto-pay' : ', pay later'}]`;
  const names = o.addresses.map((a) => a.slice(a.indexOf('/') + 1));
  const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')} … (+${names.length - 6})` : names.join(', ');
  return `  ${index + 1}. ${o.type} ${o.id}: ${shown}${billing}`;
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const parts = [`${s.create} to create`, `${s.update} to update`, `${s.blocked} blocked`];
  const drift = s.drift > 0 ? `; ${plural(s.drift, 'drifted resource')}` : '';
  return `Plan: ${parts.join(', ')}; ${plural(s.orders, 'order')}${drift}`;
}

export function renderPlanText(plan: Plan, style: Style): string {
  const out: string[] = [];
  const b = plan.bound_to;
  out.push(
    style.dim(
      `Desired state ${b.desired_digest.slice(0, 12)}${b.git_revision ? ` (git ${b.git_revision.slice(0, 12)})` : ''}; recorded state serial ${b.state_serial}${b.state_lineage ? ` (lineage ${b.state_lineage.slice(0, 8)})` : ' (empty)'}${plan.refreshed ? '; refreshed from the cloud' : ''}`,
    ),
  );
  const visible = plan.changes.filter((c) => c.action !== 'no-op');
  if (visible.length > 0) out.push('', style.bold('Changes:'));
  for (const c of visible) {
    const colour = colourFor(style, c.action);
    const where = c.file ? style.dim(` (${c.file}:${c.line ?? 1})`) : '';
    out.push(`  ${colour(`${SYMBOL[c.action]} ${c.address}`)} ${colour(c.action)}${c.operation ? ` ${style.cyan(c.operation)}` : ''}${where}`);
    out.push(`      ${c.reason}`);
    for (const d of c.diff) out.push(diffLine(d, style));
  }
  const unchanged = plan.changes.length - visible.length;
  if (unchanged > 0) out.push('', style.dim(`${plural(unchanged, 'resource')} unchanged.`));
  if (plan.orders.length > 0) {
    out.push('', style.bold(`Orders (${plan.orders.length}):`));
    plan.orders.forEach((o, i) => out.push(orderLine(o, i)));
  }
  if (plan.drift.length > 0) {
    out.push('', style.bold(`Drift (${plan.drift.length}):`));
    for (const d of plan.drift) {
      out.push(`  ${style.yellow('≠')} ${d.message}`);
      for (const f of d.fields) out.push(diffLine(f, style));
    }
  }
  const policy = renderPolicyText(plan.policy, style);
  if (policy) out.push('', policy);
  out.push('', style.bold(summaryLine(plan)));
  return `${out.join('\n')}\n`;
}
