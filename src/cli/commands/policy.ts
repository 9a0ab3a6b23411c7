/**
 * `policy check` evaluates the policies over the desired state alone — no recorded state, no cloud,
 * no credentials — so it runs in any CI; `policy test` runs the PolicyTest cases. Machine formats
 * (json, sarif, junit) are the only thing on stdout; diagnostics and annotations go to stderr.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT, InputError } from '../../errors.js';
import { formatDiagnostic, type Diagnostic } from '../../diagnostics.js';
import { configOf } from '../globals.js';
import { loadDesired } from '../desired.js';
import { evaluatePolicies, loadPolicySet, runPolicyTests, type PolicySet } from '../../policy/index.js';
import type { Config } from '../../config/index.js';
import { styleFor } from '../../render/index.js';
import { renderPolicyCheckText } from '../../render/policy-check.js';
import { renderPolicyTestText } from '../../render/policy-test.js';
import { renderSarif, type SarifPolicyInfo } from '../../render/sarif.js';
import { renderPolicyCheckJUnit, renderPolicyTestJUnit } from '../../render/junit.js';
import { isGithubActions, renderGithubAnnotations } from '../../render/annotations.js';

type CheckFormat = 'text' | 'json' | 'sarif' | 'junit';
type TestFormat = 'text' | 'json' | 'junit';

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function warnAll(ctx: CommandContext, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) if (d.severity === 'warning') ctx.io.stderr(`${formatDiagnostic(d)}\n`);
}

async function policiesOrThrow(ctx: CommandContext, config: Config): Promise<PolicySet> {
  const result = await loadPolicySet(config.policiesDir, { displayRoot: config.root });
  if (!result.set) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    throw new InputError(`the policies have ${errors.length} error${errors.length === 1 ? '' : 's'}`, errors, 'fix them; every error names its file:line:column');
  }
  warnAll(ctx, result.diagnostics);
  return result.set;
}

export function policyInfo(set: PolicySet): SarifPolicyInfo[] {
  return set.policies.map((p) => ({
    name: p.name,
    ...(p.description === undefined ? {} : { description: p.description }),
    enforcement: p.enforcement,
    rules: p.rules.map((r) => ({ name: r.name, expression: r.expression, ...(r.message === undefined ? {} : { message: r.message }) })),
  }));
}

export function registerPolicyCommands(program: Command, ctx: CommandContext): void {
  const policy = program.command('policy').description('evaluate the policies alone, or run their tests');

  policy
    .command('check')
    .description('evaluate the policies over the desired state (no recorded state or cloud needed); exit 3 when a deny rule fails')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif', 'junit']).default('text'))
    .action(async (opts: { format: CheckFormat }, cmd: Command) => {
      const config = await configOf(cmd, ctx.io);
      const loaded = await loadDesired(config);
      if (!loaded.state) {
        const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
        throw new InputError(`the desired state has ${errors.length} error${errors.length === 1 ? '' : 's'}; the policies were not evaluated`, errors, 'run workspace-gitops validate for the full report');
      }
      const set = await policiesOrThrow(ctx, config);
      const outcome = evaluatePolicies(set, { desired: loaded.state, now: ctx.io.now() });
      const summary = { report: outcome.report, skipped: outcome.skipped, resourcesChecked: outcome.resourcesChecked };
      const out =
        opts.format === 'json'
          ? `${JSON.stringify({ ...outcome.report, skipped: outcome.skipped, resources_checked: outcome.resourcesChecked }, null, 2)}\n`
          : opts.format === 'sarif'
            ? renderSarif(outcome.report, { toolVersion: toolVersion(), policies: policyInfo(set) })
            : opts.format === 'junit'
              ? renderPolicyCheckJUnit(outcome.report, policyInfo(set), outcome.skipped)
              : renderPolicyCheckText(summary, styleFor(ctx.io.isTTY, ctx.io.env));
      if (isGithubActions(ctx.io.env)) {
        const annotations = renderGithubAnnotations(outcome.report);
        // The runner reads workflow commands on either stream; stdout stays a clean document for machine formats.
        if (opts.format === 'text') ctx.io.stdout(annotations);
        else ctx.io.stderr(annotations);
      }
      ctx.io.stdout(out);
      ctx.exitCode = outcome.report.denied ? EXIT.denied : EXIT.ok;
    });

  policy
    .command('test')
    .description('run the PolicyTest cases; exit 1 when a case does not turn out as expected')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'junit']).default('text'))
    .action(async (opts: { format: TestFormat }, cmd: Command) => {
      const config = await configOf(cmd, ctx.io);
      const set = await policiesOrThrow(ctx, config);
      const run = runPolicyTests(set);
      const out =
        opts.format === 'json' ? `${JSON.stringify(run, null, 2)}\n` : opts.format === 'junit' ? renderPolicyTestJUnit(run) : renderPolicyTestText(run, styleFor(ctx.io.isTTY, ctx.io.env));
      ctx.io.stdout(out);
      ctx.exitCode = run.failed > 0 ? EXIT.error : EXIT.ok;
    });
}
