/**
 * The normalized spec of a resource: what is ordered and what is compared with the recorded state.
 * Defaults are made explicit so that a change of default shows up as a change, and the profile
 * reference disappears (its fields are already merged in).
 */
import type { Billing } from '../config/config.js';
import type { JsonObject } from '../state/types.js';
import type { ResourceKind } from './kinds.js';

export interface NormalizeOptions {
  billing: Billing;
  enterpriseProjectId: string;
}

export interface NormalizedBilling {
  period_type: Billing['period_type'];
  period_num: number;
  is_auto_renew: boolean;
}

function resolveBilling(spec: Record<string, unknown>, defaults: Billing): { billing: NormalizedBilling; autoPay: boolean } {
  const own = (spec['billing'] ?? {}) as Partial<Billing>;
  const merged = { ...defaults, ...own };
  return {
    billing: { period_type: merged.period_type, period_num: merged.period_num, is_auto_renew: merged.is_auto_renew },
    autoPay: merged.is_auto_pay,
  };
}

export function normalizeSpec(kind: ResourceKind, name: string, spec: Record<string, unknown>, options: NormalizeOptions): { normalized: JsonObject; autoPay: boolean } {
  const { profile: _profile, billing: _billing, ...rest } = spec;
  const out: Record<string, unknown> = { ...rest };
  const { billing, autoPay } = resolveBilling(spec, options.billing);
  if (kind === 'DesktopProfile') return { normalized: spec as JsonObject, autoPay };
  out['billing'] = billing;
  out['enterprise_project_id'] = spec['enterprise_project_id'] ?? options.enterpriseProjectId;
  switch (kind) {
    case 'Desktop':
      out['computer_name'] = spec['computer_name'] ?? name;
      break;
    case 'SubnetBandwidth':
      out['bandwidth_name'] = spec['bandwidth_name'] ?? name;
      out['charge_mode'] = spec['charge_mode'] ?? 'wks_bandwidth';
      break;
    case 'ExclusiveHost':
      out['name'] = spec['name'] ?? name;
      break;
    default:
      break;
  }
  return { normalized: out as JsonObject, autoPay };
}
