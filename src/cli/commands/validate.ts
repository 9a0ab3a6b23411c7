/** `validate`: schema and reference checks of the desired state and the policies; exit 0 when valid, 1 when not. */
import { Option, type Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT } from '../../errors.js';
import { InputError } from '../../errors.js';
import { compareDiagnostics, formatDiagnostic, type Diagnostic } from '../../diagnostics.js';
import { loadPolicySet } from '../../policy/index.js';
import { configOf } from '../globals.js';
import { loadDesired } from '../desired.js';

interface ValidateReport {
  valid: boolean;
  resources: number;
  files: number;
  policies: number;
  policy_files: number;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

function renderText(report: ValidateReport): string {
  const lines = [...report.errors, ...report.warnings].map(formatDiagnostic);
  const counts = `${count(report.errors.length, 'error')}, ${count(report.warnings.length, 'warning')}`;
  const policies = report.policies > 0 ? ` and ${count(report.policies, 'policy', 'policies')} in ${count(report.policy_files, 'file')}` : '';
  lines.push(report.valid ? `Valid: ${count(report.resources, 'resource')} in ${count(report.files, 'file')}${policies} (${counts}).` : `Invalid: ${counts}.`);
  return `${lines.join('\n')}\n`;
}

export function registerValidateCommand(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description('check the desired state (schemas, limits of the order API, references) and the policies, without touching the cloud')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: 'text' | 'json' }, cmd: Command) => {
      let report: ValidateReport;
      try {
        const config = await configOf(cmd, ctx.io);
        const [result, policies] = await Promise.all([loadDesired(config), loadPolicySet(config.policiesDir, { displayRoot: config.root })]);
        const diagnostics = [...result.diagnostics, ...policies.diagnostics].sort(compareDiagnostics);
        report = {
          valid: result.state !== undefined && policies.set !== undefined,
          resources: result.state?.resources.length ?? 0,
          files: result.state?.files.length ?? 0,
          policies: policies.set?.policies.length ?? 0,
          policy_files: policies.set?.files.length ?? 0,
          errors: diagnostics.filter((d) => d.severity === 'error'),
          warnings: diagnostics.filter((d) => d.severity === 'warning'),
        };
      } catch (error) {
        // A broken config is reported in the requested format too, so CI can parse it.
        if (!(error instanceof InputError) || opts.format !== 'json') throw error;
        report = { valid: false, resources: 0, files: 0, policies: 0, policy_files: 0, errors: error.diagnostics, warnings: [] };
        if (report.errors.length === 0) report.errors.push({ file: '', line: 0, column: 0, severity: 'error', rule: error.code, message: error.message });
      }
      if (opts.format === 'json') ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.valid) ctx.io.stdout(renderText(report));
      else ctx.io.stderr(renderText(report));
      ctx.exitCode = report.valid ? EXIT.ok : EXIT.error;
    });
}
