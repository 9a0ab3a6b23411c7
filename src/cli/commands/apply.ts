/** `apply [PLANFILE]` and `reconcile`: place the orders, under the state lock, through the journal. */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT, InputError, UsageError, type ExitCode } from '../../errors.js';
import { configOf, globalsOf } from '../globals.js';
import { cliLogger } from '../logger.js';
import { openState } from '../state.js';
import { evidenceSettleMs, openCloud } from '../cloud.js';
import { parseDuration, parseInteger } from '../parse.js';
import { loadDesiredOrThrow, loadPoliciesOrThrow } from '../../run/plan-run.js';
import { createPolicyGate } from '../../policy/index.js';
import { gitRevision } from '../../git/index.js';
import { applySavedPlan, reconcile, type RunContext, type RunReport } from '../../apply/index.js';
import { renderPlanText, renderRunText, resultLine, styleFor, countResults } from '../../render/index.js';
import { PlanSchema, type Plan } from '../../plan/index.js';
import { compile } from '../../validation/ajv.js';
import { problemsFromAjv, formatPath } from '../../validation/problems.js';
import { hasChanges } from './plan.js';

interface RunOptions {
  autoApprove?: boolean;
  parallelism: number;
  wait?: boolean;
  waitTimeout: number;
  lockTimeout: number;
  settleAfter?: number;
  target: string[];
  format: 'text' | 'json';
  maxRounds?: number;
  detailedExitcode?: boolean;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readSavedPlan(file: string): Promise<Plan> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read the plan file ${file}: ${(error as Error).message}`);
  }
  const validate = compile<Plan>(PlanSchema);
  if (!validate(value)) {
    const problems = problemsFromAjv(validate.errors).slice(0, 5).map((p) => `${formatPath(p.path)}: ${p.message}`);
    throw new InputError(`${file} is not a workspace-gitops plan (format ${1}): ${problems.join('; ')}`, [], 'make one with: workspace-gitops plan --out FILE');
  }
  return value;
}

export function runExitCode(report: RunReport, detailed: boolean): ExitCode {
  if (report.denied) return EXIT.denied;
  const c = countResults(report);
  // --wait asked for active resources: a deadline that passed first is a failure the pipeline must see.
  const waitTimedOut = report.rounds.some((r) => r.wait?.timedOut === true);
  if (report.cancelled || report.interrupted || waitTimedOut || c.failed + c['in-doubt'] + c['not-started'] > 0 || report.inDoubt.length > 0) return EXIT.error;
  if (!detailed) return EXIT.ok;
  const changed = c.placed > 0 || report.rounds.some((r) => hasChanges(r.plan));
  return changed ? EXIT.changes : EXIT.ok;
}

function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--parallelism <n>', 'orders in flight at once', parseInteger(1, 64), 4)
    .option('--wait', 'after placing orders, wait until their resources are active (or --wait-timeout passes)')
    .option('--wait-timeout <duration>', 'how long --wait waits, e.g. 30m', parseDuration, 30 * 60_000)
    .option('--lock-timeout <duration>', 'wait this long for a held state lock instead of failing at once', parseDuration, 0)
    .option('--settle-after <duration>', 'an in-doubt order counts as not placed only once the billing order list has stayed empty this long after it (default 15m; 0 with --simulate)', parseDuration)
    .option('--target <address>', 'limit to Kind/name (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
}

async function run(ctx: CommandContext, cmd: Command, opts: RunOptions, mode: { kind: 'apply'; planFile?: string } | { kind: 'reconcile' }): Promise<void> {
  const { io } = ctx;
  const interactive = mode.kind === 'apply' && !mode.planFile && !opts.autoApprove;
  if (interactive && !io.confirm) {
    throw new UsageError('apply needs confirmation, and this is not an interactive terminal', 'pass --auto-approve (or apply a saved plan file made with plan --out)');
  }
  const globals = globalsOf(cmd);
  const config = await configOf(cmd, io);
  const logger = cliLogger(globals, io);
  const style = styleFor(io.isTTY, io.env);
  const desired = await loadDesiredOrThrow(config);
  // Deny policies gate every order (design §9); the same gate as plan and the daemon.
  const policy = createPolicyGate(await loadPoliciesOrThrow(config), { now: () => io.now() });
  const saved = mode.kind === 'apply' && mode.planFile ? await readSavedPlan(path.resolve(io.cwd, mode.planFile)) : undefined;
  const store = openState(config, io, logger);
  try {
    const lock = await store.acquireLock({ operation: mode.kind, timeoutMs: opts.lockTimeout });
    const cloud = await openCloud(config, { simulate: Boolean(globals.simulate), logger }, io).catch(async (error: unknown) => {
      await store.releaseLock(lock);
      throw error;
    });
    try {
      const text = opts.format === 'text';
      const runCtx: RunContext = {
        store,
        lock,
        api: cloud.api,
        logger,
        now: () => io.now(),
        sleep: realSleep,
        signal: io.signal,
        parallelism: opts.parallelism,
        evidenceSettleMs: evidenceSettleMs(opts.settleAfter, Boolean(globals.simulate)),
        gitRevision: await gitRevision(config.root),
        policy,
        onPlan: (plan, round) => {
          if (text && (round === 1 || plan.orders.length > 0)) io.stdout(renderPlanText(plan, style));
        },
        onResult: (r) => {
          if (text) io.stderr(`${resultLine(r, style)}\n`);
        },
        ...(interactive && io.confirm
          ? { confirm: (plan: Plan) => io.confirm!(`\nPlace these ${plan.orders.length} orders? They are billed. Only 'yes' is accepted:`) }
          : {}),
        ...(opts.wait ? { wait: { timeoutMs: opts.waitTimeout, intervalMs: 10_000 } } : {}),
      };
      const targets = opts.target.length > 0 ? opts.target : undefined;
      const report = saved
        ? await applySavedPlan(runCtx, saved, desired)
        : await reconcile(runCtx, { desired, ...(targets ? { targets } : {}), maxRounds: mode.kind === 'reconcile' ? (opts.maxRounds ?? 5) : 1 });
      io.stdout(text ? renderRunText(report, style) : `${JSON.stringify(runJson(report), null, 2)}\n`);
      ctx.exitCode = runExitCode(report, Boolean(opts.detailedExitcode));
    } finally {
      await cloud.close();
      await store.releaseLock(lock);
    }
  } finally {
    await store.close();
  }
}

/** The machine-readable outcome: per round the plan summary and each order's result. */
function runJson(report: RunReport) {
  return {
    rounds: report.rounds.map((r) => ({
      summary: r.plan.summary,
      policy: r.plan.policy,
      results: r.results.map((x) => ({ id: x.order.id, type: x.order.type, addresses: x.order.addresses, status: x.status, order_id: x.orderId ?? null, error: x.error ?? null, note: x.note ?? null })),
      ...(r.wait ? { wait: r.wait } : {}),
    })),
    resolutions: report.resolutions,
    in_doubt: report.inDoubt.map((i) => ({ id: i.id, type: i.type, addresses: i.addresses, at: i.at })),
    denied: report.denied,
    cancelled: report.cancelled,
    interrupted: report.interrupted,
    counts: countResults(report),
  };
}

export function registerApplyCommands(program: Command, ctx: CommandContext): void {
  addRunOptions(
    program
      .command('apply')
      .argument('[planfile]', 'a plan saved with plan --out: applied exactly, or refused if stale')
      .description('place the orders of a saved plan, or plan and (after confirmation) place them')
      .option('--auto-approve', 'do not ask for confirmation (required when not interactive)'),
  ).action(async (planFile: string | undefined, opts: RunOptions, cmd: Command) => {
    await run(ctx, cmd, opts, { kind: 'apply', ...(planFile ? { planFile } : {}) });
  });

  addRunOptions(
    program
      .command('reconcile')
      .description('plan and place orders without asking, round after round until nothing more can be ordered (for merge pipelines and the daemon)')
      .option('--max-rounds <n>', 'stop after this many plan+apply rounds', parseInteger(1, 20), 5)
      .option('--detailed-exitcode', 'exit 2 when there were changes (orders placed, blocked changes or drift), 0 when none'),
  ).action(async (opts: RunOptions, cmd: Command) => {
    await run(ctx, cmd, opts, { kind: 'reconcile' });
  });
}
