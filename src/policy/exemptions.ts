/**
 * Exemptions, applied after evaluation: a violation stays in the report, marked `exempted_by`, and
 * no longer denies. An exemption covers its policy (all rules, or those listed) for the addresses
 * its globs match — plan-scope violations have the address "plan" — until it expires.
 */
import type { PolicyViolationJson } from '../plan/types.js';
import { anyGlobMatches } from './glob.js';
import type { Exemption } from './model.js';

/** The address exemptions match for a plan-scope violation. */
export const PLAN_ADDRESS = 'plan';

export function isActive(e: Exemption, now: Date): boolean {
  return now.getTime() < e.expiresAt.getTime();
}

export function covers(e: Exemption, v: Pick<PolicyViolationJson, 'policy' | 'rule' | 'address'>): boolean {
  if (e.policy !== v.policy) return false;
  if (e.rules && !e.rules.includes(v.rule)) return false;
  return anyGlobMatches(e.addresses, v.address ?? PLAN_ADDRESS);
}

export function applyExemptions(violations: readonly PolicyViolationJson[], exemptions: readonly Exemption[], now: Date): { violations: PolicyViolationJson[]; warnings: string[] } {
  const active = exemptions.filter((e) => isActive(e, now));
  const warnings = exemptions
    .filter((e) => !isActive(e, now))
    .map((e) => `PolicyExemption/${e.name} (${e.source.file}:${e.source.line}) expired on ${e.expiresText} and no longer applies to Policy/${e.policy}; owner: ${e.owner}. Renew it with a new expires date, or delete it`);
  const out = violations.map((v) => {
    const by = active.find((e) => covers(e, v));
    return by ? { ...v, exempted_by: by.name } : v;
  });
  return { violations: out, warnings };
}
