/**
 * apply and reconcile, for the CLI and the daemon: the only code that orders. The caller holds the
 * state lock for the whole run. Each round: settle the journal, read the cloud, settle in-doubt orders
 * with evidence, plan, gate on policy, place the orders, settle again. Reconcile repeats while a round
 * placed orders that unlock more (desktop ids for internet access, pools grown past 100).
 */
import type { DesiredResource, DesiredState } from '../desired/model.js';
import type { Logger } from '../log.js';
import { planWithState, type Plan, type RebuildDecision } from '../plan/index.js';
import { canonicalJson, specHash } from '../state/canonical.js';
import { groupByIntent } from '../state/index.js';
import type { LockHandle, OrderIntent, OrderResolution, ResourceRecord, StateStore } from '../state/types.js';
import { StalePlanError } from '../errors.js';
import type { WorkspaceApi } from '../workspace/types.js';
import type { LiveState } from '../plan/types.js';
import { resolveWithEvidence } from './evidence.js';
import { executeOrders, type OrderResult } from './executor.js';
import { Ledger, sameRecords } from './ledger.js';
import { readLive } from './live.js';
import { waitForActive, type WaitOptions, type WaitReport } from './wait.js';

/** Evaluates policies over a plan and returns it with `policy` filled in (denied when a deny rule fails). */
export interface PolicyGate {
  (plan: Plan, desired: DesiredState, records?: Readonly<Record<string, ResourceRecord>>): Plan;
  /** The planner's guard for destructive rebuilds, which a policy may allow (src/policy's gate has one). */
  allowRebuild?(records: Readonly<Record<string, ResourceRecord>>): (resource: DesiredResource) => RebuildDecision;
  /** Digest of the policy set, bound into the plan. */
  readonly digest?: string | null;
}

export interface RunContext {
  store: StateStore;
  lock: LockHandle;
  api: WorkspaceApi;
  logger: Logger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  signal: AbortSignal;
  parallelism: number;
  gitRevision: string | null;
  policy?: PolicyGate;
  /** Asked before orders are placed (interactive apply); false cancels the run without ordering. */
  confirm?: (plan: Plan) => Promise<boolean>;
  /** Each round's plan, before anything is ordered (to show it). */
  onPlan?: (plan: Plan, round: number) => void;
  onResult?: (result: OrderResult) => void;
  /** How long after an in-doubt order's last entry an empty billing order list may prove it was not placed (default 15 min). */
  evidenceSettleMs?: number;
  /** Wait for placed orders' resources to become active after each round (--wait). */
  wait?: WaitOptions;
}

export interface Round {
  plan: Plan;
  results: OrderResult[];
  wait?: WaitReport;
}

export interface RunReport {
  rounds: Round[];
  /** In-doubt orders settled by evidence at the start of the run. */
  resolutions: OrderResolution[];
  /** Orders still in doubt at the end of the run. */
  inDoubt: OrderIntent[];
  denied: boolean;
  cancelled: boolean;
  interrupted: boolean;
}

function orderIdsIn(entries: Awaited<ReturnType<Ledger['entries']>>): string[] {
  const ids: string[] = [];
  for (const e of entries) if (e.kind !== 'intent' && e.order_id) ids.push(e.order_id);
  return ids;
}

/** The time of each intent's latest entry: its intent, or an outcome (e.g. `unknown`) recorded later. */
function lastEntryTimes(entries: Awaited<ReturnType<Ledger['entries']>>): Map<string, number> {
  return new Map(groupByIntent(entries).map((g) => [g.intent.id, Math.max(Date.parse(g.intent.at), ...g.outcomes.map((o) => Date.parse(o.at)))]));
}

/** Settle the journal, read the cloud, and settle in-doubt orders with evidence. */
async function prepare(ledger: Ledger, ctx: RunContext): Promise<{ live: LiveState; resolutions: OrderResolution[] }> {
  await ledger.checkpoint();
  const live = await readLive(ctx.api, ledger.current.resources, ctx.now());
  const intents = await ledger.inDoubt();
  const entries = await ledger.entries();
  const resolutions = await resolveWithEvidence({
    intents,
    snapshot: ledger.current,
    journalOrderIds: orderIdsIn(entries),
    lastEntryAt: lastEntryTimes(entries),
    ...(ctx.evidenceSettleMs === undefined ? {} : { settleMs: ctx.evidenceSettleMs }),
    live,
    api: ctx.api,
    now: ctx.now(),
    logger: ctx.logger,
  });
  for (const r of resolutions) await ctx.store.journal.recordResolution(r, ctx.lock);
  if (resolutions.length > 0) await ledger.checkpoint();
  return { live, resolutions };
}

function planRound(ledger: Ledger, desired: DesiredState, live: LiveState | undefined, ctx: RunContext, targets: readonly string[] | undefined): { plan: Plan; records: ReturnType<typeof planWithState>['records'] } {
  const gate = ctx.policy;
  const result = planWithState({
    desired,
    recorded: ledger.current,
    ...(live ? { live } : {}),
    now: ctx.now(),
    ...(targets ? { targets } : {}),
    gitRevision: ctx.gitRevision,
    // As `plan` does it (src/run/plan-run.ts), so a saved plan and its apply decide alike.
    ...(gate?.digest !== undefined ? { policiesDigest: gate.digest } : {}),
    ...(gate?.allowRebuild ? { allowRebuild: gate.allowRebuild(ledger.current.resources) } : {}),
  });
  const plan = gate ? gate(result.plan, desired, result.records) : result.plan;
  return { plan, records: result.records };
}

async function finishRound(ledger: Ledger, ctx: RunContext, plan: Plan, results: OrderResult[]): Promise<Round> {
  await ledger.checkpoint();
  const placed = results.filter((r) => r.status === 'placed').flatMap((r) => r.order.addresses);
  if (!ctx.wait || placed.length === 0 || ctx.signal.aborted) return { plan, results };
  const wait = await waitForActive(ledger, ctx.api, placed, ctx.wait, { now: ctx.now, sleep: ctx.sleep, signal: ctx.signal, logger: ctx.logger });
  return { plan, results, wait };
}

async function report(ledger: Ledger, base: Omit<RunReport, 'inDoubt'>): Promise<RunReport> {
  return { ...base, inDoubt: await ledger.inDoubt() };
}

/**
 * Whether the next round could order more: a change was blocked (waiting for a desktop id, a pool id,
 * an order to become active …) or an order carried less than the desired spec (a pool created with
 * its first 100 desktops, EIPs for the desktops whose ids are known). Otherwise another round would
 * only re-read the whole cloud to learn ids, which the next run's refresh learns as well.
 */
function leftWaiting(plan: Plan, desired: DesiredState): boolean {
  if (plan.changes.some((c) => c.action === 'blocked')) return true;
  return plan.orders.some((o) =>
    Object.entries(o.targets).some(([address, target]) => {
      const resource = desired.byAddress.get(address);
      // Most targets are the desired spec object itself; hashing 10,000 of them would cost more than the check is worth.
      return resource !== undefined && target.spec !== resource.spec && specHash(resource.spec) !== target.spec_hash;
    }),
  );
}

export interface ReconcileOptions {
  desired: DesiredState;
  targets?: readonly string[];
  /** Rounds at most; 1 is a plain apply. */
  maxRounds: number;
}

/** Plan and place orders, round after round while progress unlocks more. */
export async function reconcile(ctx: RunContext, options: ReconcileOptions): Promise<RunReport> {
  const ledger = new Ledger(ctx.store, ctx.lock, ctx.now);
  const rounds: Round[] = [];
  let resolutions: OrderResolution[] = [];
  for (let round = 1; round <= options.maxRounds; round++) {
    const prepared = await prepare(ledger, ctx);
    resolutions = [...resolutions, ...prepared.resolutions];
    const first = planRound(ledger, options.desired, prepared.live, ctx, options.targets);
    let plan = first.plan;
    if (!sameRecords(first.records, ledger.current.resources)) {
      // Persist what the refresh learned, then plan from what is on disk so order ids bind to it.
      await ledger.writeRecords(first.records);
      plan = planRound(ledger, options.desired, prepared.live, ctx, options.targets).plan;
    }
    ctx.onPlan?.(plan, round);
    if (plan.policy.denied) return report(ledger, { rounds: [...rounds, { plan, results: [] }], resolutions, denied: true, cancelled: false, interrupted: false });
    if (plan.orders.length === 0) return report(ledger, { rounds: [...rounds, { plan, results: [] }], resolutions, denied: false, cancelled: false, interrupted: false });
    if (round === 1 && ctx.confirm && !(await ctx.confirm(plan))) {
      return report(ledger, { rounds: [...rounds, { plan, results: [] }], resolutions, denied: false, cancelled: true, interrupted: false });
    }
    const results = await executeOrders(plan.orders, { api: ctx.api, journal: ctx.store.journal, lock: ctx.lock, parallelism: ctx.parallelism, now: ctx.now, sleep: ctx.sleep, signal: ctx.signal, logger: ctx.logger, ...(ctx.onResult ? { onResult: ctx.onResult } : {}) });
    rounds.push(await finishRound(ledger, ctx, plan, results));
    const progress = results.some((r) => r.status === 'placed');
    const trouble = results.some((r) => r.status !== 'placed');
    if (ctx.signal.aborted || !progress || trouble || !leftWaiting(plan, options.desired)) break;
  }
  return report(ledger, { rounds, resolutions, denied: false, cancelled: false, interrupted: ctx.signal.aborted });
}

function staleReasons(saved: Plan, desired: DesiredState, lineage: string, serial: number): string[] {
  const moved: string[] = [];
  const b = saved.bound_to;
  if (b.desired_digest !== desired.digest) moved.push(`the desired state changed (digest ${b.desired_digest.slice(0, 12)} → ${desired.digest.slice(0, 12)})`);
  if (b.state_lineage === '' && lineage !== '') moved.push(`the recorded state was written since (it did not exist when the plan was made; now serial ${serial})`);
  else if (b.state_lineage !== lineage) moved.push(`the recorded state is another one (lineage ${b.state_lineage || '(none)'} → ${lineage || '(none)'})`);
  else if (b.state_serial !== serial) moved.push(`the recorded state was written since (serial ${b.state_serial} → ${serial})`);
  return moved;
}

/** Apply a saved plan exactly, or refuse it as stale. */
export async function applySavedPlan(ctx: RunContext, saved: Plan, desired: DesiredState): Promise<RunReport> {
  const ledger = new Ledger(ctx.store, ctx.lock, ctx.now);
  const prepared = await prepare(ledger, ctx);
  const moved = staleReasons(saved, desired, ledger.current.lineage, ledger.current.serial);
  if (moved.length > 0) throw new StalePlanError(`the saved plan is stale: ${moved.join('; ')}`, 'make a new plan (workspace-gitops plan --out FILE) and apply that');
  const { plan } = planRound(ledger, desired, saved.refreshed ? prepared.live : undefined, ctx, saved.targets.length > 0 ? saved.targets : undefined);
  if (canonicalJson(plan.orders) !== canonicalJson(saved.orders)) {
    throw new StalePlanError('the saved plan is stale: its orders differ from what the desired, recorded and live state imply now (the cloud or the policies changed)', 'make a new plan (workspace-gitops plan --out FILE) and apply that');
  }
  ctx.onPlan?.(plan, 1);
  if (plan.policy.denied) return report(ledger, { rounds: [{ plan, results: [] }], resolutions: prepared.resolutions, denied: true, cancelled: false, interrupted: false });
  const results = await executeOrders(saved.orders, { api: ctx.api, journal: ctx.store.journal, lock: ctx.lock, parallelism: ctx.parallelism, now: ctx.now, sleep: ctx.sleep, signal: ctx.signal, logger: ctx.logger, ...(ctx.onResult ? { onResult: ctx.onResult } : {}) });
  const round = await finishRound(ledger, ctx, saved, results);
  return report(ledger, { rounds: [round], resolutions: prepared.resolutions, denied: false, cancelled: false, interrupted: ctx.signal.aborted });
}
