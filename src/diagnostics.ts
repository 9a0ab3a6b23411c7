/** Problems found in user input, each pinned to a place in a file, the rule it broke and what is allowed. */

export type Severity = 'error' | 'warning';

export interface SourceLocation {
  /** Path relative to the repository root (or absolute when outside it), with forward slashes. */
  file: string;
  line: number;
  column: number;
}

export interface Diagnostic extends SourceLocation {
  severity: Severity;
  /** Stable identifier of the rule, e.g. `volume-size` or `unknown-field`. */
  rule: string;
  message: string;
  /** What would have been accepted, in words a user can act on. */
  allowed?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const allowed = d.allowed ? ` (allowed: ${d.allowed})` : '';
  const level = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.file}:${d.line}:${d.column}: ${level}${d.rule}: ${d.message}${allowed}`;
}

/** Sort by file, then position, then rule, so output is stable across runs and machines. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/** Levenshtein distance, for "did you mean" hints on unknown keys and kinds. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small distance, or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
