/** ANSI styling for terminals; a no-op when output is not a TTY (or NO_COLOR is set). */

export interface Style {
  green: (s: string) => string;
  yellow: (s: string) => string;
  red: (s: string) => string;
  cyan: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export const colours: Style = {
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  red: wrap(31, 39),
  cyan: wrap(36, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};

const identity = (s: string) => s;
export const plain: Style = { green: identity, yellow: identity, red: identity, cyan: identity, dim: identity, bold: identity };

export function styleFor(isTTY: boolean, env: Record<string, string | undefined>): Style {
  return isTTY && env['NO_COLOR'] === undefined ? colours : plain;
}
