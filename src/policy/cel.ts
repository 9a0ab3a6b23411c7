/**
 * The CEL environments rules are compiled in, one per scope, and compilation: parse, type-check,
 * check the result type and literal regular expressions, all once at load time. Problems carry the
 * offset inside the expression so the loader can point at the exact YAML line and column.
 */
import { Environment, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';

export type Scope = 'resource' | 'plan';

/**
 * Structural limits at parse time (cel-js enforces them). Together with the per-rule time budget
 * they bound evaluation; generous for real rules, small enough that a rule cannot be a program.
 */
export const CEL_LIMITS = { maxAstNodes: 2000, maxDepth: 48, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 } as const;

/** Variables each scope provides, with their CEL types. */
export const SCOPE_VARIABLES: Record<Scope, Record<string, 'map' | 'dyn'>> = {
  resource: { resource: 'map', current: 'dyn', change: 'dyn', params: 'map' },
  plan: { plan: 'map', params: 'map' },
};

const environments = new Map<Scope, Environment>();

/** Environments are expensive to build and immutable once used: one per scope for the process. */
export function celEnvironment(scope: Scope): Environment {
  let env = environments.get(scope);
  if (!env) {
    env = new Environment({ limits: { ...CEL_LIMITS } });
    for (const [name, type] of Object.entries(SCOPE_VARIABLES[scope])) env.registerVariable(name, type);
    environments.set(scope, env);
  }
  return env;
}

export interface CelProblem {
  /** Offset in the expression text where the problem is. */
  offset: number;
  rule: 'cel-syntax' | 'cel-type' | 'cel-limit' | 'cel-result-type' | 'cel-regex';
  message: string;
}

export type Compiled = { ok: true; program: ParseResult } | { ok: false; problem: CelProblem };

interface CelErrorShape {
  name?: string;
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

function problemFrom(error: unknown, fallbackRule: CelProblem['rule']): CelProblem {
  const e = (error ?? {}) as CelErrorShape;
  const message = e.summary ?? e.message?.split('\n')[0] ?? String(error);
  const rule: CelProblem['rule'] = e.code === 'limit_exceeded' ? 'cel-limit' : e.name === 'ParseError' ? 'cel-syntax' : fallbackRule;
  return { offset: e.range?.start ?? 0, rule, message };
}

/** Every AST node below `node`, depth first. */
export function* walkAst(node: ASTNode): Generator<ASTNode> {
  yield node;
  const stack: unknown[] = [node.args];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else if (isAstNode(item)) {
      yield item;
      stack.push(item.args);
    }
  }
}

export function isAstNode(value: unknown): value is ASTNode {
  return value !== null && typeof value === 'object' && 'op' in value && 'args' in value && 'start' in value;
}

/** `matches()` with a literal pattern: a broken pattern is a load-time error, not a failure on every resource. */
function regexProblem(ast: ASTNode): CelProblem | undefined {
  for (const node of walkAst(ast)) {
    if (node.op !== 'rcall' || node.args[0] !== 'matches') continue;
    const pattern = node.args[2][0];
    if (!pattern || pattern.op !== 'value' || typeof pattern.args !== 'string') continue;
    try {
      new RegExp(pattern.args);
    } catch (error) {
      return { offset: pattern.start, rule: 'cel-regex', message: `invalid regular expression: ${(error as Error).message}` };
    }
  }
  return undefined;
}

/**
 * Parse and type-check `source` for `scope`. `returns` is what the expression must produce: a rule
 * yields a bool, a messageExpression a string (`dyn` is accepted: its type is only known at run time).
 */
export function compileCel(source: string, scope: Scope, returns: 'bool' | 'string'): Compiled {
  const env = celEnvironment(scope);
  let program: ParseResult;
  try {
    program = env.parse(source);
  } catch (error) {
    return { ok: false, problem: problemFrom(error, 'cel-syntax') };
  }
  const checked = program.check();
  if (!checked.valid) return { ok: false, problem: problemFrom(checked.error, 'cel-type') };
  if (checked.type !== returns && checked.type !== 'dyn') {
    const start = program.ast.start;
    return { ok: false, problem: { offset: start, rule: 'cel-result-type', message: `the expression returns ${checked.type}; it must return ${returns === 'bool' ? 'a bool (true when the rule passes)' : 'a string'}` } };
  }
  const regex = regexProblem(program.ast);
  if (regex) return { ok: false, problem: regex };
  return { ok: true, program };
}
