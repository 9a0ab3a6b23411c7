/**
 * What a violation shows as "the values that failed": every path a rule reads from its variables
 * (`resource.spec.image_id`, `params.images` …), found once in the rule's AST and looked up in the
 * rule's input when it fails. No CEL runs for this, so an explanation cannot fail or loop.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import type { Json } from '../state/types.js';
import { isAstNode } from './cel.js';

export type RefPath = (string | number)[];

/** Whole-variable references worth showing on their own (`change == null` says something; `resource` alone is everything). */
const SHOWN_ALONE = new Set(['current', 'change']);

function chainOf(node: ASTNode, roots: ReadonlySet<string>): RefPath | undefined {
  if (node.op === 'id') return roots.has(node.args) ? [node.args] : undefined;
  if (node.op === '.') {
    const base = chainOf(node.args[0], roots);
    return base ? [...base, node.args[1]] : undefined;
  }
  if (node.op === '[]') {
    const index = node.args[1];
    if (index.op !== 'value') return undefined;
    const key = index.args;
    const base = chainOf(node.args[0], roots);
    if (!base) return undefined;
    if (typeof key === 'string') return [...base, key];
    if (typeof key === 'bigint' || typeof key === 'number') return [...base, Number(key)];
  }
  return undefined;
}

/** The longest variable paths an expression reads, in order of appearance, without duplicates. */
export function collectRefs(ast: ASTNode, roots: ReadonlySet<string>): RefPath[] {
  const found: RefPath[] = [];
  const seen = new Set<string>();
  const visit = (node: ASTNode): void => {
    const chain = chainOf(node, roots);
    if (chain) {
      if (chain.length === 1 && !SHOWN_ALONE.has(String(chain[0]))) return;
      const key = formatRef(chain);
      if (!seen.has(key)) {
        seen.add(key);
        found.push(chain);
      }
      return;
    }
    visitArgs(node.args);
  };
  const visitArgs = (args: unknown): void => {
    if (Array.isArray(args)) for (const a of args) visitArgs(a);
    else if (isAstNode(args)) visit(args);
  };
  visit(ast);
  return found.sort((a, b) => rank(a) - rank(b));
}

/** Facts about the resource first, then the rest; params last (they are the same for every violation). */
function rank(path: RefPath): number {
  const root = path[0];
  return root === 'resource' ? 0 : root === 'change' || root === 'current' || root === 'plan' ? 1 : 2;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function formatRef(path: RefPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (out === '') out = seg;
    else out += IDENTIFIER.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The value at `path` in plain JSON input; undefined when absent. */
export function lookup(root: Record<string, unknown>, path: RefPath): Json | undefined {
  let value: unknown = root;
  for (const seg of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      if (typeof seg !== 'number') return undefined;
      value = value[seg];
    } else {
      if (!Object.hasOwn(value, seg)) return undefined;
      value = (value as Record<string, unknown>)[String(seg)];
    }
  }
  return value as Json | undefined;
}

const MAX_VALUE_CHARS = 300;

/** Keeps a report readable: big lists and objects are summarized, not dumped. */
export function summarize(value: Json): Json {
  if (value === null || typeof value !== 'object') return typeof value === 'string' && value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS - 1)}…` : value;
  if (JSON.stringify(value).length <= MAX_VALUE_CHARS) return value;
  return Array.isArray(value) ? `(a list of ${value.length} items)` : `(an object with ${Object.keys(value).length} keys)`;
}

export const ABSENT = '(absent)';

/** `ref → value` for the paths of a failed rule; a path that leads nowhere shows as "(absent)". */
export function explain(input: Record<string, unknown>, refs: readonly RefPath[], limit = 8): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const ref of refs.slice(0, limit)) {
    const value = lookup(input, ref);
    out[formatRef(ref)] = value === undefined ? ABSENT : summarize(value);
  }
  return out;
}
