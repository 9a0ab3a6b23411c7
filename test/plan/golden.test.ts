/**
 * Golden plans: for each scenario the whole plan JSON (changes, reasons, diffs, order bodies, ids,
 * binding) is compared with a committed file under test/plan/golden/. The assertions beside each golden
 * state what the scenario is about, so a golden regenerated carelessly still fails on what matters.
 */
import { describe, expect, it } from 'vitest';
import { foldJournal, type JournalEntry, type JsonObject, type StateSnapshot } from '../../src/state/index.js';
import type { Plan } from '../../src/plan/index.js';
import { expectGolden } from './golden.js';
import {
  EARLIER,
  IMAGE_B,
  NOW,
  actions,
  appliedFrom,
  changeOf,
  cloudIdOf,
  desiredOf,
  desktop,
  doc,
  emptyState,
  exampleRepo,
  planOf,
  pool,
  recordOf,
  recordsMatching,
  resourceOf,
  snapshotOf,
} from './helpers.js';

const ALLOW_REBUILD = { 'workspace-gitops/allow-rebuild': 'true' };

function names(n: number, prefix: string, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(from + i).padStart(2, '0')}`);
}

const sizes = (p: Plan) => p.orders.map((o) => [o.type, o.addresses.length]);

describe('golden plans', () => {
  it('fresh repo: the example desired state against an empty recorded state', async () => {
    const { desired } = await exampleRepo();
    const p = planOf({ desired, recorded: emptyState() });
    expect(p.summary).toMatchObject({ create: 10, update: 0, blocked: 1, orders: 7, desktops_ordered: 6 });
    // alice, bob and carol share a configuration: one order; the finance pair is yearly: another.
    expect(sizes(p)).toEqual([
      ['ApplySubnetBandwidth', 1],
      ['createExclusiveHosts', 1],
      ['createDesktopPool', 1],
      ['createDesktops', 3],
      ['createDesktops', 1],
      ['createDesktops', 2],
      ['subscribeUserSharer', 1],
    ]);
    expect(changeOf(p, 'DesktopInternet/design-internet').reason).toMatch(/^waiting: Desktop\/des-frank, Desktop\/alice-dev have no desktop_id yet/);
    expectGolden('fresh-repo', p);
  });

  it('nothing changed: every resource recorded as ordered and active → all no-op, no order', async () => {
    const { desired } = await exampleRepo();
    const p = planOf({ desired, recorded: snapshotOf(recordsMatching(desired)) });
    expect(p.summary).toEqual({ create: 0, update: 0, no_op: 11, blocked: 0, orders: 0, drift: 0, desktops_ordered: 0 });
    expect(new Set(p.changes.map((c) => c.reason))).toEqual(new Set(['up to date']));
    expectGolden('nothing-changed', p);
  });

  it('60 identical desktops → two createDesktops orders of 50 and 10', () => {
    const desired = desiredOf({ 'batch.yaml': names(60, 'team').map((n) => desktop(n)) });
    const p = planOf({ desired, recorded: emptyState() });
    expect(sizes(p)).toEqual([
      ['createDesktops', 50],
      ['createDesktops', 10],
    ]);
    expect(p.orders[0]!.body.resources[0]!.create_desktops!.desktops).toHaveLength(50);
    expect(p.orders[1]!.addresses[0]).toBe('Desktop/team-51');
    expectGolden('batch-60', p);
  });

  it('60 applied + 1 added → one order with only the new desktop', () => {
    const before = desiredOf({ 'batch.yaml': names(60, 'team').map((n) => desktop(n)) });
    const applied = appliedFrom(planOf({ desired: before, recorded: emptyState() }), emptyState());
    const desired = desiredOf({ 'batch.yaml': names(61, 'team').map((n) => desktop(n)) });
    const p = planOf({ desired, recorded: applied });
    expect(p.summary).toMatchObject({ create: 1, no_op: 60, orders: 1, desktops_ordered: 1 });
    expect(p.orders[0]!.addresses).toEqual(['Desktop/team-61']);
    expectGolden('batch-60-plus-1', p);
  });

  it('unassigned desktops (no user) are ordered one by one with desktop_name and size 1', () => {
    const spare = (n: string) => {
      const { user: _user, ...spec } = desktop(n).spec;
      return doc('Desktop', n, spec);
    };
    const desired = desiredOf({ 'spare.yaml': [spare('spare-01'), spare('spare-02')] });
    const p = planOf({ desired, recorded: emptyState() });
    expect(p.orders.map((o) => o.body.resources[0]!.create_desktops)).toMatchObject([
      { desktop_name: 'spare-01', size: 1 },
      { desktop_name: 'spare-02', size: 1 },
    ]);
    expectGolden('unassigned-desktops', p);
  });

  it('a data volume added: addVolumes with exactly the new volume when the desktop_id is known, blocked waiting otherwise', () => {
    const one = { data_volumes: [{ type: 'SAS', size: 100 }] };
    const more = { data_volumes: [{ type: 'SAS', size: 100 }, { type: 'SSD', size: 200 }] };
    const two = { data_volumes: [{ type: 'SAS', size: 100 }, { type: 'SSD', size: 200 }, { type: 'GPSSD', size: 50 }] };
    const before = desiredOf({ 'v.yaml': ['vol-known', 'vol-two', 'vol-noid', 'vol-ordered'].map((n) => desktop(n, one)) });
    const desired = desiredOf({ 'v.yaml': [desktop('vol-known', more), desktop('vol-two', two), desktop('vol-noid', more), desktop('vol-ordered', more)] });
    const spec = (a: string) => resourceOf(before, a).spec;
    const recorded = snapshotOf([
      recordOf('Desktop/vol-known', spec('Desktop/vol-known')),
      recordOf('Desktop/vol-two', spec('Desktop/vol-two')),
      recordOf('Desktop/vol-noid', spec('Desktop/vol-noid'), { cloud_id: undefined }),
      recordOf('Desktop/vol-ordered', spec('Desktop/vol-ordered'), { status: 'ordered', cloud_id: undefined, awaiting_payment: false }),
    ]);
    const p = planOf({ desired, recorded });
    expect(actions(p)).toEqual({ 'Desktop/vol-known': 'update', 'Desktop/vol-noid': 'blocked', 'Desktop/vol-ordered': 'blocked', 'Desktop/vol-two': 'update' });
    expect(p.orders.map((o) => o.body)).toEqual([
      { type: 'addVolumes', enterprise_project_id: '0', resources: [{ add_volumes: { desktop_id: cloudIdOf('Desktop/vol-known'), volumes: [{ type: 'SSD', size: 200 }] } }], extend_param: { is_auto_pay: 'true' } },
      {
        type: 'addVolumes',
        enterprise_project_id: '0',
        resources: [{ add_volumes: { desktop_id: cloudIdOf('Desktop/vol-two'), volumes: [{ type: 'SSD', size: 200 }, { type: 'GPSSD', size: 50 }] } }],
        extend_param: { is_auto_pay: 'true' },
      },
    ]);
    expect(changeOf(p, 'Desktop/vol-noid').reason).toMatch(/^waiting: addVolumes needs the desktop_id of Desktop\/vol-noid/);
    expect(changeOf(p, 'Desktop/vol-ordered').reason).toMatch(/^waiting: order CS[0-9A-F]{15} is placed and not active yet/);
    expect(changeOf(p, 'Desktop/vol-known').diff).toEqual([{ path: 'data_volumes.1', op: 'add', after: { type: 'SSD', size: 200 } }]);
    expectGolden('volume-added', p);
  });

  it('a data volume removed or shrunk → blocked, no order', () => {
    const two = { data_volumes: [{ type: 'SAS', size: 100 }, { type: 'SAS', size: 200 }] };
    const before = desiredOf({ 'v.yaml': [desktop('vol-removed', two), desktop('vol-shrunk', two)] });
    const desired = desiredOf({
      'v.yaml': [desktop('vol-removed', { data_volumes: [{ type: 'SAS', size: 100 }] }), desktop('vol-shrunk', { data_volumes: [{ type: 'SAS', size: 100 }, { type: 'SAS', size: 150 }] })],
    });
    const p = planOf({ desired, recorded: snapshotOf(recordsMatching(before)) });
    expect(actions(p)).toEqual({ 'Desktop/vol-removed': 'blocked', 'Desktop/vol-shrunk': 'blocked' });
    expect(p.orders).toEqual([]);
    for (const c of p.changes) expect(c.reason).toMatch(/^data volumes can only be added at the end of the list/);
    expectGolden('volume-removed-shrunk', p);
  });

  it('an image changed: rebuildDesktops (batched) with the allow-rebuild annotation, blocked with the reason without it', () => {
    const before = desiredOf({ 'i.yaml': [desktop('img-allowed-1'), desktop('img-allowed-2'), desktop('img-denied')] });
    const desired = desiredOf({
      'i.yaml': [
        desktop('img-allowed-1', { image_id: IMAGE_B }, { annotations: ALLOW_REBUILD }),
        desktop('img-allowed-2', { image_id: IMAGE_B }, { annotations: ALLOW_REBUILD }),
        desktop('img-denied', { image_id: IMAGE_B }),
      ],
    });
    const p = planOf({ desired, recorded: snapshotOf(recordsMatching(before)) });
    expect(actions(p)).toEqual({ 'Desktop/img-allowed-1': 'update', 'Desktop/img-allowed-2': 'update', 'Desktop/img-denied': 'blocked' });
    expect(p.orders).toHaveLength(1);
    expect(p.orders[0]!.body.resources[0]!.rebuild_desktops).toEqual({
      desktop_ids: [cloudIdOf('Desktop/img-allowed-1'), cloudIdOf('Desktop/img-allowed-2')],
      image_type: 'private',
      image_id: IMAGE_B,
      enterprise_project_id: '0',
    });
    expect(changeOf(p, 'Desktop/img-denied').reason).toContain('metadata.annotations["workspace-gitops/allow-rebuild"]: "true"');
    expectGolden('image-changed', p);
  });

  it('a pool grown → expandDesktopPool with the number to add and the pool_id; shrunk → blocked', () => {
    const before = desiredOf({ 'p.yaml': [pool('pool-grow', 20), pool('pool-shrink', 30)] });
    const desired = desiredOf({ 'p.yaml': [pool('pool-grow', 35), pool('pool-shrink', 10)] });
    const p = planOf({ desired, recorded: snapshotOf(recordsMatching(before)) });
    expect(actions(p)).toEqual({ 'DesktopPool/pool-grow': 'update', 'DesktopPool/pool-shrink': 'blocked' });
    expect(p.orders.map((o) => o.body.resources[0])).toEqual([{ expand_desktop_pool: { pool_id: cloudIdOf('DesktopPool/pool-grow'), size: 15 } }]);
    expect(changeOf(p, 'DesktopPool/pool-shrink').reason).toMatch(/^shrinking a pool \(30 → 10\)/);
    expectGolden('pool-grown-shrunk', p);
  });

  it('a pool of 150: created with 100, then expanded by 50 in the next plan, then nothing', () => {
    const desired = desiredOf({ 'p.yaml': [pool('big-pool', 150)] });
    const first = planOf({ desired, recorded: emptyState() });
    expect(first.orders[0]!.body.resources[0]!.create_desktop_pool).toMatchObject({ name: 'big-pool', size: 100 });
    expectGolden('pool-150-create', first);

    const created = appliedFrom(first, emptyState());
    const second = planOf({ desired, recorded: created });
    expect(second.orders.map((o) => o.body.resources[0])).toEqual([{ expand_desktop_pool: { pool_id: cloudIdOf('DesktopPool/big-pool'), size: 50 } }]);
    expectGolden('pool-150-expand', second);

    const third = planOf({ desired, recorded: appliedFrom(second, created) });
    expect(third.summary).toMatchObject({ no_op: 1, orders: 0 });
  });

  it('a resource removed from git → blocked (deleting is not supported); one never placed → no-op', () => {
    const before = desiredOf({ 'd.yaml': [desktop('kept-01'), desktop('gone-01')] });
    const desired = desiredOf({ 'd.yaml': [desktop('kept-01')] });
    const neverPlaced = recordOf('Desktop/failed-01', undefined, { status: 'failed', order_ids: [], cloud_id: undefined, error: { status: 400, code: 'WKS.0001', message: 'bad request' } });
    const p = planOf({ desired, recorded: snapshotOf([...recordsMatching(before), neverPlaced]) });
    expect(actions(p)).toEqual({ 'Desktop/failed-01': 'no-op', 'Desktop/gone-01': 'blocked', 'Desktop/kept-01': 'no-op' });
    expect(changeOf(p, 'Desktop/gone-01').reason).toMatch(/no longer in the desired state, but deleting resources is not supported/);
    expect(changeOf(p, 'Desktop/gone-01')).not.toHaveProperty('file');
    expect(p.orders).toEqual([]);
    expectGolden('removed-from-git', p);
  });

  it('an in-doubt intent present → blocked with how to settle it, no new order (also for a resource that left git)', () => {
    const one = { data_volumes: [{ type: 'SAS', size: 100 }] };
    const before = desiredOf({ 'd.yaml': [desktop('old-01', one)] });
    const active = snapshotOf(recordsMatching(before));
    // A run planned a new desktop, a volume for an old one and a desktop since removed, recorded the intents, and died.
    const desired = desiredOf({ 'd.yaml': [desktop('old-01', { data_volumes: [...one.data_volumes, { type: 'SAS', size: 50 }] }), desktop('new-01', { tags: [{ key: 'team', value: 'design' }] }), desktop('left-01', { tags: [{ key: 'team', value: 'ops' }] })] });
    const interrupted = planOf({ desired, recorded: active });
    expect(interrupted.orders).toHaveLength(3);
    const entries: JournalEntry[] = interrupted.orders.map((o) => ({ kind: 'intent', id: o.id, type: o.type, addresses: o.addresses, body: o.body, targets: o.targets, at: EARLIER }));
    entries.push({ kind: 'outcome', intent_id: interrupted.orders[0]!.id, result: 'unknown', at: EARLIER });
    const recorded: StateSnapshot = { ...foldJournal(active, entries, NOW), serial: active.serial + 1 };

    const now = desiredOf({ 'd.yaml': [desktop('old-01', { data_volumes: [...one.data_volumes, { type: 'SAS', size: 50 }] }), desktop('new-01', { tags: [{ key: 'team', value: 'design' }] })] });
    const p = planOf({ desired: now, recorded });
    expect(actions(p)).toEqual({ 'Desktop/left-01': 'blocked', 'Desktop/new-01': 'blocked', 'Desktop/old-01': 'blocked' });
    for (const c of p.changes) expect(c.reason).toMatch(/^in doubt: order intent ord-[0-9a-f]{24} may or may not have been placed/);
    expect(p.orders).toEqual([]);
    expectGolden('in-doubt', p);
  });

  it('ordered, not active yet → no-op saying why; a change to it → blocked waiting', () => {
    const before = desiredOf({ 'd.yaml': [desktop('paid-01'), desktop('unpaid-01'), desktop('changed-01')] });
    const desired = desiredOf({ 'd.yaml': [desktop('paid-01'), desktop('unpaid-01'), desktop('changed-01', { data_volumes: [{ type: 'SAS', size: 100 }] })] });
    const ordered = { status: 'ordered' as const, cloud_id: undefined };
    const recorded = snapshotOf(recordsMatching(before, (r) => ({ ...ordered, awaiting_payment: r.name === 'unpaid-01' })));
    const p = planOf({ desired, recorded });
    expect(actions(p)).toEqual({ 'Desktop/changed-01': 'blocked', 'Desktop/paid-01': 'no-op', 'Desktop/unpaid-01': 'no-op' });
    expect(changeOf(p, 'Desktop/paid-01').reason).toMatch(/^order CS[0-9A-F]{15} is placed and not active yet; nothing more to order$/);
    expect(changeOf(p, 'Desktop/unpaid-01').reason).toMatch(/waits for payment/);
    expect(changeOf(p, 'Desktop/changed-01').reason).toMatch(/^waiting: order CS[0-9A-F]{15} is placed and not active yet; this change is planned once it is active$/);
    expect(p.orders).toEqual([]);
    expectGolden('ordered-not-active', p);
  });

  it('DesktopInternet with some desktops known: an order for those now, the rest in a later order', () => {
    const internet = doc('DesktopInternet', 'lab-internet', { desktops: ['lab-c', 'lab-a', 'lab-b'], eip_type: '5_bgp', eip_charge_mode: 'BANDWIDTH', bandwidth_size: 10 });
    const desired = desiredOf({ 'lab.yaml': [desktop('lab-a'), desktop('lab-b'), desktop('lab-c'), internet] });
    const desktops = recordsMatching(desired).filter((r) => r.kind === 'Desktop');
    const partly = snapshotOf(desktops.map((r) => (r.name === 'lab-c' ? { ...r, status: 'ordered' as const, cloud_id: undefined } : r)));
    const first = planOf({ desired, recorded: partly });
    expect(changeOf(first, 'DesktopInternet/lab-internet')).toMatchObject({ action: 'create', operation: 'applyDesktopsInternet' });
    expect(first.orders[0]!.body.resources[0]!.apply_desktops_internet!.desktop_ids).toEqual([cloudIdOf('Desktop/lab-a'), cloudIdOf('Desktop/lab-b')]);
    expectGolden('internet-partial', first);

    // lab-c became active; the next plan orders EIP access for it alone.
    const applied = appliedFrom(first, partly);
    applied.resources['Desktop/lab-c'] = { ...applied.resources['Desktop/lab-c']!, status: 'active', cloud_id: cloudIdOf('Desktop/lab-c') };
    const second = planOf({ desired, recorded: applied });
    expect(changeOf(second, 'DesktopInternet/lab-internet')).toMatchObject({ action: 'update', diff: [{ path: 'desktops.lab-c', op: 'add', after: true }] });
    expect(second.orders[0]!.body.resources[0]!.apply_desktops_internet!.desktop_ids).toEqual([cloudIdOf('Desktop/lab-c')]);
    expectGolden('internet-partial-rest', second);

    // Everything covered: the recorded list equals the desired one, in the desired order.
    const third = planOf({ desired, recorded: appliedFrom(second, applied) });
    expect(third.summary).toMatchObject({ create: 0, update: 0, blocked: 0, orders: 0 });
  });

  it('UserSharer with a user added → an order with only the new user', () => {
    const users = [
      { user_id: '0a1b2c3d4e5f40718293a4b5c6d7e8f9', user_name: 'alice' },
      { user_id: '1b2c3d4e5f6a40718293a4b5c6d7e8f0', user_name: 'bob' },
    ];
    const carol = { user_id: '2c3d4e5f6a7b40718293a4b5c6d7e8f1', user_name: 'carol' };
    const sharer = (list: JsonObject[]) => doc('UserSharer', 'collab', { user_sharer_sku: 'workspace.usersharer.standard', users: list });
    const before = desiredOf({ 's.yaml': [sharer(users)] });
    const desired = desiredOf({ 's.yaml': [sharer([users[0]!, carol, users[1]!])] });
    const p = planOf({ desired, recorded: snapshotOf(recordsMatching(before, () => ({ cloud_id: undefined }))) });
    expect(p.orders.map((o) => o.body.resources[0])).toEqual([
      { period_type: 2, period_num: 1, is_auto_renew: 1, subscribe_user_sharer: { user_sharer_sku: 'workspace.usersharer.standard', users: [carol] } },
    ]);
    expectGolden('sharer-user-added', p);

    // The same users in another order: nothing to order, and the plan says so.
    const reordered = desiredOf({ 's.yaml': [sharer([users[1]!, users[0]!])] });
    const q = planOf({ desired: reordered, recorded: snapshotOf(recordsMatching(before)) });
    expect(changeOf(q, 'UserSharer/collab')).toMatchObject({ action: 'no-op', diff: [] });
    expect(changeOf(q, 'UserSharer/collab').reason).toMatch(/^only the order of users changed/);
  });

  it('ExclusiveHost apply_desktop_quantity changed → resize_exclusive_lites', () => {
    const host = (quantity: number) =>
      doc('ExclusiveHost', 'callcentre-hosts', {
        availability_zone: 'cn-north-4a',
        quantity: 2,
        apply_desktop_quantity: quantity,
        product_id: 'workspace.dedicated.host.c6',
        image_volumes: [{ type: 'SAS', size: 80 }],
        memory_volumes: [{ type: 'SAS', size: 100 }],
        vpc_id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
        subnet_id: '197c1aa4-2611-48bd-a3af-ac4ce2c17c4c',
      });
    const before = desiredOf({ 'h.yaml': [host(40)] });
    const p = planOf({ desired: desiredOf({ 'h.yaml': [host(60)] }), recorded: snapshotOf(recordsMatching(before)) });
    expect(p.orders.map((o) => o.body)).toEqual([
      { type: 'createExclusiveHosts', enterprise_project_id: '0', resources: [{ resize_exclusive_lites: { product_id: 'workspace.dedicated.host.c6', new_quantity: 60, enterprise_project_id: '0' } }], extend_param: { is_auto_pay: 'true' } },
    ]);
    expectGolden('host-resize', p);
  });

  it('--target: only the named resources are planned, and batches hold only them', async () => {
    const { desired } = await exampleRepo();
    const p = planOf({ desired, recorded: emptyState(), targets: ['DesktopPool/training-pool', 'Desktop/alice-dev'] });
    expect(p.targets).toEqual(['DesktopPool/training-pool', 'Desktop/alice-dev']);
    expect(p.changes.map((c) => c.address)).toEqual(['DesktopPool/training-pool', 'Desktop/alice-dev']);
    expect(p.orders.map((o) => o.addresses)).toEqual([['DesktopPool/training-pool'], ['Desktop/alice-dev']]);
    expectGolden('target', p);
  });

  it('a failed create is ordered again, saying why', () => {
    const desired = desiredOf({ 'd.yaml': [desktop('retry-01')] });
    const failed = recordOf('Desktop/retry-01', undefined, { status: 'failed', order_ids: [], cloud_id: undefined, error: { status: 400, code: 'WKS.0202', message: 'the subnet has no free IP address' } });
    const p = planOf({ desired, recorded: snapshotOf([failed]) });
    expect(changeOf(p, 'Desktop/retry-01')).toMatchObject({ action: 'create', operation: 'createDesktops' });
    expect(changeOf(p, 'Desktop/retry-01').reason).toMatch(/^the previous order failed \(WKS\.0202: the subnet has no free IP address\); ordering again\. /);
    expect(p.orders).toHaveLength(1);
    expectGolden('failed-create-retried', p);
  });

  it('a billing change on an existing resource → blocked, with where to change it', () => {
    const before = desiredOf({ 'd.yaml': [desktop('bill-01')] });
    const desired = desiredOf({ 'd.yaml': [desktop('bill-01', { billing: { period_type: 'year', period_num: 1 } })] });
    const p = planOf({ desired, recorded: snapshotOf(recordsMatching(before)) });
    expect(changeOf(p, 'Desktop/bill-01')).toMatchObject({ action: 'blocked', operation: null });
    expect(changeOf(p, 'Desktop/bill-01').reason).toMatch(/^Desktop change cannot be ordered — billing: .*billing console/);
    expect(changeOf(p, 'Desktop/bill-01').diff).toEqual([
      { path: 'billing.period_type', op: 'change', before: 'month', after: 'year' },
    ]);
    expect(p.orders).toEqual([]);
    expectGolden('billing-change', p);
  });
});
