/** The kinds of desired-state documents and the order in which they are processed and shown. */

export const API_VERSION = 'workspace-gitops/v1';

/** Resource kinds, in dependency order: what others may reference comes first. */
export const RESOURCE_KINDS = [
  'DesktopProfile',
  'SubnetBandwidth',
  'ExclusiveHost',
  'DesktopPool',
  'Desktop',
  'DesktopInternet',
  'UserSharer',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Kinds that lead to orders (a DesktopProfile only supplies defaults). */
export type OrderableKind = Exclude<ResourceKind, 'DesktopProfile'>;
export const ORDERABLE_KINDS = RESOURCE_KINDS.filter((k): k is OrderableKind => k !== 'DesktopProfile');

/** Kinds that live in the policies folder, not in desired state. */
export const POLICY_KINDS = ['Policy', 'PolicyExemption', 'PolicyTest'] as const;

export const KIND_RANK: Record<string, number> = Object.fromEntries(RESOURCE_KINDS.map((k, i) => [k, i]));

export function isResourceKind(kind: unknown): kind is ResourceKind {
  return typeof kind === 'string' && (RESOURCE_KINDS as readonly string[]).includes(kind);
}

export function addressOf(kind: string, name: string): string {
  return `${kind}/${name}`;
}

export function parseAddress(address: string): { kind: string; name: string } | undefined {
  const i = address.indexOf('/');
  if (i <= 0 || i === address.length - 1) return undefined;
  return { kind: address.slice(0, i), name: address.slice(i + 1) };
}

/** Stable order: by kind rank, then by name. */
export function compareAddresses(a: string, b: string): number {
  const pa = parseAddress(a);
  const pb = parseAddress(b);
  const ra = KIND_RANK[pa?.kind ?? ''] ?? 99;
  const rb = KIND_RANK[pb?.kind ?? ''] ?? 99;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}
