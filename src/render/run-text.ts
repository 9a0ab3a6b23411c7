/** The outcome of apply/reconcile for a terminal: every order with its result, what evidence settled, what is still in doubt. */
import type { RunReport } from '../apply/index.js';
import type { OrderResult } from '../apply/executor.js';
import type { Style } from './style.js';
import { plural } from './values.js';

export function resultLine(r: OrderResult, style: Style): string {
  const names = r.order.addresses.map((a) => a.slice(a.indexOf('/') + 1));
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} … (+${names.length - 5})` : names.join(', ');
  switch (r.status) {
    case 'placed':
      return `  ${style.green('✓')} ${r.order.type} ${r.order.id} → order ${r.orderId ?? '?'} (${shown})`;
    case 'failed':
      return `  ${style.red('✗')} ${r.order.type} ${r.order.id} failed (${shown}): ${r.error?.code ?? ''} ${r.error?.message ?? ''}`;
    case 'in-doubt':
      return `  ${style.yellow('?')} ${r.order.type} ${r.order.id} IN DOUBT (${shown}): ${r.error?.message ?? 'the answer was lost'}`;
    case 'not-started':
      return `  ${style.dim('-')} ${r.order.type} ${r.order.id} not started (${shown}): ${r.note ?? ''}`;
  }
}

export function countResults(report: RunReport): Record<OrderResult['status'], number> {
  const counts = { placed: 0, failed: 0, 'in-doubt': 0, 'not-started': 0 };
  for (const round of report.rounds) for (const r of round.results) counts[r.status]++;
  return counts;
}

export function renderRunText(report: RunReport, style: Style): string {
  const out: string[] = [];
  if (report.resolutions.length > 0) {
    out.push(style.bold('Settled in-doubt orders by evidence:'));
    for (const r of report.resolutions) out.push(`  ${r.placed ? style.green('placed') : style.yellow('not placed')} ${r.intent_id}: ${r.evidence}`);
  }
  report.rounds.forEach((round, i) => {
    if (round.results.length === 0) return;
    out.push(style.bold(report.rounds.length > 1 ? `Round ${i + 1}:` : 'Orders:'));
    for (const r of round.results) out.push(resultLine(r, style));
    if (round.wait) {
      for (const w of round.wait.waiting) out.push(`  ${style.yellow('…')} ${w.address}: ${w.reason}`);
      if (round.wait.timedOut) out.push(`  ${style.yellow('Stopped waiting: the --wait-timeout passed.')}`);
    }
  });
  if (report.inDoubt.length > 0) {
    out.push(style.bold(style.yellow('Still in doubt (not ordered again until settled):')));
    for (const i of report.inDoubt) out.push(`  ${i.id} ${i.type}: ${i.addresses.join(', ')} — settle with: workspace-gitops state resolve ${i.addresses[0] ?? ''} --placed|--not-placed`);
  }
  const c = countResults(report);
  const last = report.rounds.at(-1)?.plan;
  if (report.denied) out.push(style.red('Denied by policy: no order was placed.'));
  else if (report.cancelled) out.push('Cancelled: no order was placed.');
  else if (report.interrupted) out.push(style.yellow('Interrupted: no new order was started after the signal; orders in flight were journaled.'));
  const remaining = last ? last.summary.blocked : 0;
  out.push(
    style.bold(
      c.placed + c.failed + c['in-doubt'] + c['not-started'] === 0 && !report.denied && !report.cancelled
        ? `No orders needed.${remaining > 0 ? ` ${plural(remaining, 'change')} blocked or waiting (see the plan).` : ' Everything is up to date.'}`
        : `Result: ${plural(c.placed, 'order')} placed, ${c.failed} failed, ${c['in-doubt']} in doubt, ${c['not-started']} not started.`,
    ),
  );
  return `${out.join('\n')}\n`;
}
