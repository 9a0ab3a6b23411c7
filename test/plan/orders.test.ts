/** Orders from changes: what batches together, chunks of at most 50, the exact billing fields, ids bound to the state, and their sequence. */
import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/desired/index.js';
import { annotationAllowsRebuild, classifyCreate, type KindContext } from '../../src/plan/kinds.js';
import { buildOrders } from '../../src/plan/orders.js';
import type { OrderPart } from '../../src/plan/parts.js';
import { desiredOf, desktop, doc, emptyState, planOf, pool, recordsMatching, snapshotOf } from './helpers.js';

function partsOf(desired: DesiredState): OrderPart[] {
  const ctx: KindContext = { records: {}, allowRebuild: annotationAllowsRebuild };
  return desired.resources.flatMap((r) => {
    const c = classifyCreate(r, ctx);
    return 'parts' in c ? c.parts : [];
  });
}

const team = (n: number) => Array.from({ length: n }, (_, i) => desktop(`dev-${String(i + 1).padStart(3, '0')}`));

describe('batching', () => {
  it('puts desktops of identical configuration and billing in one order, one desktops[] entry each', () => {
    const p = planOf({ desired: desiredOf({ 'a.yaml': team(3) }), recorded: emptyState() });
    expect(p.orders).toHaveLength(1);
    expect(p.orders[0]!.body.resources[0]!.create_desktops!.desktops!.map((d) => d.computer_name)).toEqual(['dev-001', 'dev-002', 'dev-003']);
  });

  it('separates desktops that differ in configuration, billing period, renewal, payment or enterprise project', () => {
    const desired = desiredOf({
      'a.yaml': [
        desktop('same-1'),
        desktop('same-2'),
        desktop('other-tags', { tags: [{ key: 'team', value: 'design' }] }),
        desktop('yearly', { billing: { period_type: 'year' } }),
        desktop('two-months', { billing: { period_num: 2 } }),
        desktop('no-renew', { billing: { is_auto_renew: false } }),
        desktop('pay-later', { billing: { is_auto_pay: false } }),
        desktop('other-ep', { enterprise_project_id: '5f0c2a9e-3b1d-4c7a-9e2f-0000000000ee' }),
      ],
    });
    const p = planOf({ desired, recorded: emptyState() });
    expect(p.orders.map((o) => o.addresses.map((a) => a.slice('Desktop/'.length)))).toEqual([['no-renew'], ['other-ep'], ['other-tags'], ['pay-later'], ['same-1', 'same-2'], ['two-months'], ['yearly']]);
  });

  it('chunks a batch into orders of at most 50, in address order', () => {
    const p = planOf({ desired: desiredOf({ 'a.yaml': team(120) }), recorded: emptyState() });
    expect(p.orders.map((o) => o.addresses.length)).toEqual([50, 50, 20]);
    expect(p.orders.map((o) => o.addresses[0])).toEqual(['Desktop/dev-001', 'Desktop/dev-051', 'Desktop/dev-101']);
    expect(p.orders.flatMap((o) => o.addresses)).toEqual(team(120).map((d) => `Desktop/${d.name}`));
    expect(p.summary.desktops_ordered).toBe(120);
  });

  it('never batches what has no batch list: pools, one order each', () => {
    const p = planOf({ desired: desiredOf({ 'p.yaml': [pool('pool-a', 10), pool('pool-b', 10)] }), recorded: emptyState() });
    expect(p.orders.map((o) => o.addresses)).toEqual([['DesktopPool/pool-a'], ['DesktopPool/pool-b']]);
  });
});

describe('order bodies', () => {
  it('carries the billing of the order API page: month → 2, year → 3, renewal 1/0, is_auto_pay "true"/"false"', () => {
    const desired = desiredOf({
      'a.yaml': [desktop('monthly'), desktop('yearly', { billing: { period_type: 'year', period_num: 3, is_auto_renew: false, is_auto_pay: false } })],
    });
    const p = planOf({ desired, recorded: emptyState() });
    const [monthly, yearly] = p.orders.map((o) => o.body);
    expect(monthly).toMatchObject({ type: 'createDesktops', enterprise_project_id: '0', resources: [{ period_type: 2, period_num: 1, is_auto_renew: 1 }], extend_param: { is_auto_pay: 'true' } });
    expect(yearly).toMatchObject({ resources: [{ period_type: 3, period_num: 3, is_auto_renew: 0 }], extend_param: { is_auto_pay: 'false' } });
    // The spec's billing is ours, never sent inside the request object.
    expect(yearly!.resources[0]!.create_desktops).not.toHaveProperty('billing');
  });

  it('records in targets what each address becomes once placed: its full desired spec and hash', () => {
    const desired = desiredOf({ 'a.yaml': team(2) });
    const p = planOf({ desired, recorded: emptyState() });
    for (const r of desired.resources) expect(p.orders[0]!.targets[r.address]).toMatchObject({ kind: 'Desktop', name: r.name, spec: r.spec });
  });
});

describe('order ids', () => {
  const parts = partsOf(desiredOf({ 'a.yaml': team(60) }));
  const ids = (identity: { lineage: string; serial: number }) => buildOrders(parts, identity).map((o) => o.id);

  it('are deterministic: the same parts from the same recorded state give the same ids', () => {
    expect(ids({ lineage: 'l-1', serial: 4 })).toEqual(ids({ lineage: 'l-1', serial: 4 }));
    expect(new Set(ids({ lineage: 'l-1', serial: 4 })).size).toBe(2);
  });

  it('change when the state serial or lineage changes, so a plan from an older state never reuses an id', () => {
    const base = ids({ lineage: 'l-1', serial: 4 });
    for (const other of [ids({ lineage: 'l-1', serial: 5 }), ids({ lineage: 'l-2', serial: 4 })]) {
      expect(other.filter((id) => base.includes(id))).toEqual([]);
    }
  });

  it('do not depend on the order the parts arrive in', () => {
    expect(buildOrders([...parts].reverse(), { lineage: 'l-1', serial: 4 })).toEqual(buildOrders(parts, { lineage: 'l-1', serial: 4 }));
  });
});

describe('order sequence', () => {
  it('follows the kinds: bandwidth, hosts, pools, desktops, internet access, sharers', () => {
    const internet = doc('DesktopInternet', 'eip', { desktops: ['d-1'], eip_type: '5_bgp', eip_charge_mode: 'TRAFFIC', bandwidth_size: 5 });
    const sharer = doc('UserSharer', 'collab', { user_sharer_sku: 'workspace.usersharer.standard', users: [{ user_id: 'u-1', user_name: 'alice' }] });
    const bandwidth = doc('SubnetBandwidth', 'office', { subnet_id: 'subnet-1', bandwidth_size: 10 });
    const desired = desiredOf({ 'z.yaml': [sharer, internet, desktop('d-1'), pool('pool-a', 5), bandwidth] });
    // d-1 is already active: its EIP order can be placed in the same plan as the rest.
    const recorded = snapshotOf(recordsMatching(desired).filter((r) => r.kind === 'Desktop'));
    const p = planOf({ desired, recorded });
    expect(p.orders.map((o) => o.type)).toEqual(['ApplySubnetBandwidth', 'createDesktopPool', 'applyDesktopsInternet', 'subscribeUserSharer']);
    expect(p.orders.every((o) => o.depends_on.length === 0)).toBe(true);
  });
});
