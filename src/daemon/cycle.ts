/**
 * One daemon run: bring the source up to date, load the config and the desired state, then either
 * plan and report (plan-only) or reconcile under the state lock. Every failure is turned into an
 * outcome — logged, counted, retried by the runner — so nothing a run meets can stop the daemon.
 */
import type { Config } from '../config/index.js';
import { InputError, WsgoError } from '../errors.js';
import type { ParseCache } from '../desired/index.js';
import type { DesiredState } from '../desired/index.js';
import { gitRevision } from '../git/index.js';
import type { Logger } from '../log.js';
import { reconcile, type PolicyGate, type RunReport } from '../apply/index.js';
import type { OrderResult } from '../apply/index.js';
import type { Plan } from '../plan/index.js';
import { foldJournal, type OpenedStateStore } from '../state/index.js';
import { loadDesiredOrThrow, loadPoliciesOrThrow, runPlan } from '../run/plan-run.js';
import { createPolicyGate } from '../policy/index.js';
import type { WorkspaceApi } from '../workspace/types.js';
import type { RunResult, TriggerSource } from './runner.js';
import type { Source, SourceSnapshot } from './source.js';

export type DaemonMode = 'plan-only' | 'reconcile';

/** Builds the policy gate of a reconcile run from that run's config (policies live in git and change with it). */
export type PolicyGateFactory = (config: Config, now: () => Date) => PolicyGate | Promise<PolicyGate>;

/** The policy engine's gate over the config's policies folder; policies with errors fail the run. */
export const enginePolicyGate: PolicyGateFactory = async (config, now) => createPolicyGate(await loadPoliciesOrThrow(config), { now });

export interface CloudHandle {
  api: WorkspaceApi;
  close(): Promise<void>;
}

export interface CycleDeps {
  source: Source;
  /** The config for the folder the source synced, with the flags applied and the daemon's checks made. */
  loadConfig: (snapshot: SourceSnapshot) => Promise<Config>;
  mode: DaemonMode;
  openState: (config: Config) => OpenedStateStore;
  openCloud: (config: Config) => Promise<CloudHandle>;
  /** Defaults to enginePolicyGate. Plan-only runs go through runPlan, which applies the config's policies itself. */
  policy?: PolicyGateFactory;
  /** Kept across runs: files that did not change are not parsed again. */
  cache: ParseCache;
  logger: Logger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Aborted on shutdown: reconcile starts no new order and journals those in flight. */
  signal: AbortSignal;
  parallelism: number;
  /** See RunContext.evidenceSettleMs. */
  evidenceSettleMs?: number;
  maxRounds: number;
  lockTimeoutMs: number;
  /** Told each run's config, so /readyz reads the lock of the state in use. */
  onConfig?: (config: Config) => void;
}

export interface CycleOutcome {
  result: RunResult;
  revision: string | null;
  /** Orders placed and refused in this run, by order type. */
  placed: Record<string, number>;
  failed: Record<string, number>;
  inDoubt?: number;
  pending?: number;
  blocked?: number;
  error?: { code: string; message: string };
}

function count(results: readonly OrderResult[], status: OrderResult['status']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) if (r.status === status) out[r.order.type] = (out[r.order.type] ?? 0) + 1;
  return out;
}

/** Create and update changes whose orders were not all placed in this round. */
function pendingChanges(plan: Plan, results: readonly OrderResult[]): number {
  const placed = new Set(results.filter((r) => r.status === 'placed').map((r) => r.order.id));
  return plan.changes.filter((c) => (c.action === 'create' || c.action === 'update') && !(c.orders.length > 0 && c.orders.every((id) => placed.has(id)))).length;
}

function logPlan(logger: Logger, plan: Plan, round: number): void {
  const s = plan.summary;
  logger.info('plan', { round, create: s.create, update: s.update, blocked: s.blocked, unchanged: s.no_op, orders: s.orders, denied: plan.policy.denied });
  for (const v of plan.policy.violations) {
    const fields = { policy: v.policy, rule: v.rule, enforcement: v.enforcement, address: v.address, message: v.message, ...(v.exempted_by ? { exempted_by: v.exempted_by } : {}) };
    if (v.enforcement === 'deny' && !v.exempted_by) logger.warn('policy violation', fields);
    else logger.info('policy violation', fields);
  }
}

/** The executor logs placed, failed and in-doubt orders itself; orders it never started are said here. */
function logNotStarted(logger: Logger, r: OrderResult): void {
  if (r.status === 'not-started') logger.warn('order not started', { type: r.order.type, order: r.order.id, addresses: r.order.addresses.length, note: r.note });
}

export function outcomeOfReport(report: RunReport, revision: string | null): CycleOutcome {
  const results = report.rounds.flatMap((r) => r.results);
  const last = report.rounds.at(-1);
  // This run's own orders that failed, went in doubt or never started call for a retry after back-off.
  const trouble = results.some((r) => r.status !== 'placed');
  const standing = report.inDoubt.length > 0;
  const result: RunResult = report.denied ? 'denied' : report.interrupted ? 'interrupted' : trouble ? 'partial' : standing ? 'in-doubt' : 'success';
  return {
    result,
    revision,
    placed: count(results, 'placed'),
    failed: count(results, 'failed'),
    inDoubt: report.inDoubt.length,
    ...(last ? { pending: pendingChanges(last.plan, last.results), blocked: last.plan.summary.blocked } : {}),
  };
}

function failure(error: unknown, revision: string | null, logger: Logger, signal: AbortSignal): CycleOutcome {
  const code = error instanceof WsgoError ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  // Shutting down aborts git and the cloud client mid-step: that is an interruption, not a failure to retry.
  if (signal.aborted) {
    logger.info('run interrupted by shutdown', { code, error: message });
    return { result: 'interrupted', revision, placed: {}, failed: {}, error: { code, message } };
  }
  if (error instanceof InputError) {
    for (const d of error.diagnostics.slice(0, 50)) logger.error('input problem', { file: d.file, line: d.line, column: d.column, rule: d.rule, message: d.message });
  }
  logger.error('run failed', { code, error: message, ...(error instanceof WsgoError && error.hint ? { hint: error.hint } : {}) });
  return { result: 'failed', revision, placed: {}, failed: {}, error: { code, message } };
}

async function planOnly(deps: CycleDeps, config: Config, desired: DesiredState, revision: string | null, logger: Logger): Promise<CycleOutcome> {
  const store = deps.openState(config);
  try {
    const now = deps.now();
    const read = await store.read();
    const entries = await store.journal.entries();
    const snapshot = entries.length === 0 ? read : foldJournal(read, entries, now);
    const { plan } = await runPlan({ config, now, snapshot, desired, gitRevision: revision });
    logPlan(logger, plan, 1);
    const inDoubt = (await store.journal.inDoubt()).length;
    return { result: plan.policy.denied ? 'denied' : 'success', revision, placed: {}, failed: {}, inDoubt, pending: pendingChanges(plan, []), blocked: plan.summary.blocked };
  } finally {
    await store.close();
  }
}

async function reconcileOnce(deps: CycleDeps, config: Config, desired: DesiredState, revision: string | null, logger: Logger): Promise<CycleOutcome> {
  // Loaded before the lock: policies that do not load stop the run before anything is touched.
  const gate = await (deps.policy ?? enginePolicyGate)(config, deps.now);
  const store = deps.openState(config);
  try {
    const lock = await store.acquireLock({ operation: 'daemon reconcile', timeoutMs: deps.lockTimeoutMs });
    try {
      const cloud = await deps.openCloud(config);
      try {
        const report = await reconcile(
          {
            store,
            lock,
            api: cloud.api,
            logger,
            now: deps.now,
            sleep: deps.sleep,
            signal: deps.signal,
            parallelism: deps.parallelism,
            ...(deps.evidenceSettleMs === undefined ? {} : { evidenceSettleMs: deps.evidenceSettleMs }),
            gitRevision: revision,
            policy: gate,
            onPlan: (plan, round) => logPlan(logger, plan, round),
            onResult: (r) => logNotStarted(logger, r),
          },
          { desired, maxRounds: deps.maxRounds },
        );
        return outcomeOfReport(report, revision);
      } finally {
        await cloud.close();
      }
    } finally {
      await store.releaseLock(lock);
    }
  } finally {
    await store.close();
  }
}

export async function runCycle(deps: CycleDeps, trigger: TriggerSource, logger: Logger): Promise<CycleOutcome> {
  let revision: string | null = null;
  try {
    const snapshot = await deps.source.sync();
    const config = await deps.loadConfig(snapshot);
    deps.onConfig?.(config);
    revision = snapshot.revision ?? (await gitRevision(config.root));
    logger.info('source ready', { trigger, revision });
    const desired = await loadDesiredOrThrow(config, deps.cache);
    return deps.mode === 'plan-only' ? await planOnly(deps, config, desired, revision, logger) : await reconcileOnce(deps, config, desired, revision, logger);
  } catch (error) {
    return failure(error, revision, logger, deps.signal);
  }
}
