/**
 * The closed set of errors a user can see. Each carries a stable code and the exit code it maps to;
 * the CLI's top-level handler is the only place that turns them into output and a process exit.
 */
import type { Diagnostic } from './diagnostics.js';

export const EXIT = { ok: 0, error: 1, changes: 2, denied: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class WsgoError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  /** What the user can do about it. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.error;
    this.hint = options.hint;
  }
}

/** Desired state, policies, config or flags that do not hold up. Carries every problem found. */
export class InputError extends WsgoError {
  readonly diagnostics: Diagnostic[];
  constructor(message: string, diagnostics: Diagnostic[] = [], hint?: string) {
    super('INVALID_INPUT', message, hint === undefined ? {} : { hint });
    this.diagnostics = diagnostics;
  }
}

/** A command used the wrong way (missing flag, conflicting options). */
export class UsageError extends WsgoError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, hint === undefined ? {} : { hint });
  }
}

/** Recorded state that cannot be read, trusted or written. Never silently replaced. */
export class StateError extends WsgoError {
  constructor(code: string, message: string, hint?: string, cause?: unknown) {
    super(code, message, { ...(hint === undefined ? {} : { hint }), cause });
  }
}

/** A saved plan that no longer matches the desired state or the recorded state. */
export class StalePlanError extends WsgoError {
  constructor(message: string, hint?: string) {
    super('STALE_PLAN', message, hint === undefined ? {} : { hint });
  }
}

/** A deny policy blocked the run; nothing was ordered. */
export class PolicyDeniedError extends WsgoError {
  constructor(message: string) {
    super('POLICY_DENIED', message, { exitCode: EXIT.denied, hint: 'fix the resources or add a PolicyExemption with an owner, a reason and an expiry' });
  }
}
