/**
 * A wall-clock limit on synchronous work. CEL has no loops, but nested macros over large lists and a
 * backtracking regular expression in `matches()` can still run for minutes; a rule must not be able
 * to stall a plan. node:vm's `timeout` terminates whatever JavaScript is running in the isolate when
 * it expires — the cel-js evaluator and RegExp included — and no try/catch inside the work can
 * swallow that. The work itself runs in the main realm; the vm context is only the stopwatch.
 */
import vm from 'node:vm';

const script = new vm.Script('run()', { filename: 'workspace-gitops-policy-budget' });
/** One context per nesting level, created once: a context costs far more than a run. */
const contexts: vm.Context[] = [];
let depth = 0;

export type Bounded<T> = { ok: true; value: T } | { ok: false; elapsedMs: number };

/** The timeout error is made in the vm context's realm, so `instanceof Error` is false: look at its code. */
function isTimeout(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

export function runWithTimeLimit<T>(work: () => T, timeoutMs: number): Bounded<T> {
  const context = (contexts[depth] ??= vm.createContext({ run: undefined }));
  context['run'] = work;
  const started = performance.now();
  depth++;
  try {
    return { ok: true, value: script.runInContext(context, { timeout: Math.max(1, Math.ceil(timeoutMs)) }) as T };
  } catch (error) {
    if (isTimeout(error)) return { ok: false, elapsedMs: performance.now() - started };
    throw error;
  } finally {
    depth--;
    context['run'] = undefined;
  }
}
