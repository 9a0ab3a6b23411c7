/** Which resources a resource-scope policy applies to: every condition given must hold (kinds, labels, names). */
import { anyGlobMatches, globMatch } from './glob.js';
import type { Matcher } from './model.js';

export interface Matchable {
  kind: string;
  name: string;
  labels: Readonly<Record<string, string>>;
}

export function matches(match: Matcher, r: Matchable): boolean {
  if (match.kinds && !(match.kinds as readonly string[]).includes(r.kind)) return false;
  if (match.names && !anyGlobMatches(match.names, r.name)) return false;
  if (match.labels) {
    for (const [key, glob] of Object.entries(match.labels)) {
      const value = r.labels[key];
      if (value === undefined || !globMatch(glob, value)) return false;
    }
  }
  return true;
}
