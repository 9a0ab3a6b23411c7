/**
 * Failpoints for crash-safety tests: with WORKSPACE_GITOPS_FAILPOINT=name (or name:N for the N-th hit)
 * the process kills itself with SIGKILL at that point — a real, unclean death between two steps of the
 * journal protocol. Unset (always, outside those tests), a failpoint is a no-op.
 */

export const FAILPOINTS = ['before-post', 'after-post', 'after-outcome', 'after-checkpoint'] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

const hits = new Map<string, number>();

export function failpoint(name: Failpoint): void {
  const setting = process.env['WORKSPACE_GITOPS_FAILPOINT'];
  if (!setting) return;
  const [target, nth] = setting.split(':');
  if (target !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count === Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
}
