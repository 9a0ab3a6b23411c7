/** `plan`: what would be ordered, as text, markdown (PR comment) or JSON; optionally saved for `apply`. */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT } from '../../errors.js';
import { configOf, globalsOf } from '../globals.js';
import { cliLogger } from '../logger.js';
import { openState, readCurrentState } from '../state.js';
import { openCloud, type Cloud } from '../cloud.js';
import { loadDesiredOrThrow, runPlan } from '../../run/plan-run.js';
import { gitRevision } from '../../git/index.js';
import { renderPlanMarkdown, renderPlanText, styleFor } from '../../render/index.js';
import { isGithubActions, renderGithubAnnotations } from '../../render/annotations.js';
import { writeFileAtomic } from '../../state/durable-fs.js';
import type { Plan } from '../../plan/index.js';

interface PlanOptions {
  format: 'text' | 'markdown' | 'json';
  refresh?: boolean;
  out?: string;
  target: string[];
  detailedExitcode?: boolean;
}

/** Changes present: anything to order, anything blocked, or drift. */
export function hasChanges(plan: Plan): boolean {
  return plan.summary.create + plan.summary.update + plan.summary.blocked + plan.summary.drift > 0;
}

export function planExitCode(plan: Plan, detailed: boolean): 0 | 2 | 3 {
  if (plan.policy.denied) return EXIT.denied;
  return detailed && hasChanges(plan) ? EXIT.changes : EXIT.ok;
}

export function renderPlan(plan: Plan, format: PlanOptions['format'], ctx: CommandContext): string {
  if (format === 'json') return `${JSON.stringify(plan, null, 2)}\n`;
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan, styleFor(ctx.io.isTTY, ctx.io.env));
}

/** In GitHub Actions, policy results also become annotations on the YAML lines (on stderr, beside the plan). */
export function annotate(plan: Plan, ctx: CommandContext): void {
  if (isGithubActions(ctx.io.env)) ctx.io.stderr(renderGithubAnnotations(plan.policy));
}

export async function savePlan(file: string, plan: Plan): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`, () => randomUUID());
}

export function registerPlanCommand(program: Command, ctx: CommandContext): void {
  program
    .command('plan')
    .description('show the changes and orders that would close the gap between git and the recorded state')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--refresh', 'read the live cloud first: learn ids, promote active resources, report drift')
    .option('--out <file>', 'save the plan for `apply FILE` (bound to the desired state and the state serial)')
    .option('--target <address>', 'limit the plan to Kind/name (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--detailed-exitcode', 'exit 2 when there are changes or drift, 0 when there are none')
    .option('--base <ref>', 'for a pull request: plan against the desired state at this git revision instead of the recorded state (no state or credentials needed)')
    .action(async (opts: PlanOptions & { base?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const config = await configOf(cmd, ctx.io);
      if (opts.base !== undefined) {
        // Loaded on demand: only this branch reads git objects.
        const { planAgainstBase } = await import('./plan-base.js');
        const plan = await planAgainstBase(ctx, config, { ...opts, base: opts.base });
        annotate(plan, ctx);
        ctx.exitCode = planExitCode(plan, Boolean(opts.detailedExitcode));
        return;
      }
      const logger = cliLogger(globals, ctx.io);
      // Bad input is reported before anything else is opened (state, credentials, the cloud).
      const desired = await loadDesiredOrThrow(config);
      const store = openState(config, ctx.io, logger);
      let cloud: Cloud | undefined;
      try {
        const snapshot = await readCurrentState(store, ctx.io.now());
        if (opts.refresh) cloud = await openCloud(config, { simulate: Boolean(globals.simulate), logger }, ctx.io);
        const { plan } = await runPlan({
          config,
          desired,
          now: ctx.io.now(),
          snapshot,
          ...(cloud ? { api: cloud.api } : {}),
          targets: opts.target,
          gitRevision: await gitRevision(config.root),
        });
        ctx.io.stdout(renderPlan(plan, opts.format, ctx));
        annotate(plan, ctx);
        if (opts.out) {
          await savePlan(path.resolve(ctx.io.cwd, opts.out), plan);
          ctx.io.stderr(`Saved the plan to ${opts.out}; apply it with: workspace-gitops apply ${opts.out}\n`);
        }
        ctx.exitCode = planExitCode(plan, Boolean(opts.detailedExitcode));
      } finally {
        await cloud?.close();
        await store.close();
      }
    });
}
