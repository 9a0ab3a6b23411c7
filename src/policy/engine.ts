/**
 * Running compiled rules: one rule on one input, and one rule over many inputs under its time
 * budget. A rule passes only when it returns true; false, a non-bool or an evaluation error (a
 * missing field, a type mismatch) fail it — a rule that cannot decide never lets a change through.
 */
import { runWithTimeLimit } from './bounded.js';
import type { CompiledRule } from './model.js';
import { fromCel } from './values.js';

/** Wall-clock budget of one rule over all its inputs in one evaluation. */
export const DEFAULT_RULE_BUDGET_MS = 2000;

/** The variables of one evaluation, as CEL sees them (ints as BigInt). */
export type CelInput = Record<string, unknown>;

export type RuleResult = { ok: true } | { ok: false; message: string; error?: string };

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function errorSummary(error: unknown): string {
  const e = error as { summary?: unknown; message?: unknown };
  if (typeof e?.summary === 'string') return e.summary;
  if (typeof e?.message === 'string') return e.message.split('\n')[0]!;
  return String(error);
}

function messageOf(rule: CompiledRule, input: CelInput): string {
  if (rule.messageExpression) {
    try {
      const text: unknown = rule.messageExpression(input);
      if (typeof text === 'string' && text.trim() !== '') return text;
    } catch {
      // A broken message must not hide the failure it describes: fall back to the static text.
    }
  }
  return rule.message ?? `rule ${rule.name} failed: ${oneLine(rule.expression)}`;
}

export function evaluateRule(rule: CompiledRule, input: CelInput): RuleResult {
  let result: unknown;
  try {
    result = rule.program(input);
  } catch (error) {
    const summary = errorSummary(error);
    return { ok: false, error: summary, message: `${messageOf(rule, input)} (the rule could not be evaluated: ${summary}; a rule that cannot be evaluated fails — guard optional fields with has())` };
  }
  if (result === true) return { ok: true };
  if (result === false) return { ok: false, message: messageOf(rule, input) };
  const shown = oneLine(JSON.stringify(fromCel(result)) ?? String(result), 60);
  return { ok: false, error: `returned ${shown}`, message: `${messageOf(rule, input)} (the rule returned ${shown}, not a bool)` };
}

export interface RuleRun {
  /** Failed inputs, by index, in input order. */
  failures: { index: number; result: Extract<RuleResult, { ok: false }> }[];
  /** Index of the input being evaluated when the budget ran out; the rest were not evaluated. */
  stoppedAt?: number;
}

/** `rule` over every input, within `budgetMs` of wall-clock time for all of them together. */
export function evaluateRuleOver(rule: CompiledRule, inputs: readonly (() => CelInput)[], budgetMs: number): RuleRun {
  const failures: RuleRun['failures'] = [];
  let index = 0;
  const bounded = runWithTimeLimit(() => {
    for (; index < inputs.length; index++) {
      const result = evaluateRule(rule, inputs[index]!());
      if (!result.ok) failures.push({ index, result });
    }
  }, budgetMs);
  return bounded.ok ? { failures } : { failures, stoppedAt: index };
}
