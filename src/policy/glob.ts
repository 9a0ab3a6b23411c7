/**
 * Globs for names, label values and exemption addresses: `*` is any run of characters (`/` included,
 * so `*` alone matches every address), `?` is one character, everything else is literal.
 */

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let source = '^';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  re = new RegExp(`${source}$`, 's');
  cache.set(glob, re);
  return re;
}

export function globMatch(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}

export function anyGlobMatches(globs: readonly string[], text: string): boolean {
  return globs.some((g) => globMatch(g, text));
}
