/** --refresh: matching what the read APIs show to addresses, learning ids, promoting ordered → active, and drift. */
import { describe, expect, it } from 'vitest';
import { refreshRecords, type LiveState } from '../../src/plan/index.js';
import type { JsonObject, ResourceRecord } from '../../src/state/index.js';
import type { DesktopDetail } from '../../src/workspace/types.js';
import { ORDER_STATUS } from '../../src/workspace/types.js';
import { IMAGE_A, IMAGE_B, NOW, actions, changeOf, desiredOf, desktop, doc, planWithStateOf, pool, recordOf, resourceOf, snapshotOf } from './helpers.js';

function live(parts: Partial<LiveState> = {}): LiveState {
  return { desktops: [], pools: [], bandwidths: [], eips: [], hosts: [], orderStatus: {}, ...parts };
}

/** What the desktop list API shows for a desktop ordered with `spec`. */
function liveDesktop(id: string, spec: JsonObject, overrides: Partial<DesktopDetail> = {}): DesktopDetail {
  const root = spec['root_volume'] as { type: string; size: number };
  const data = (spec['data_volumes'] ?? []) as { type: string; size: number }[];
  return {
    desktop_id: id,
    computer_name: (spec['computer_name'] as string).toUpperCase(),
    status: 'ACTIVE',
    desktop_type: 'DEDICATED',
    product_id: spec['product_id'] as string,
    metadata: { 'metering.image_id': spec['image_id'] as string },
    root_volume: { ...root, device: '/dev/vda' },
    // Listed in no particular order: the device name says which came first.
    data_volumes: data.map((v, i) => ({ ...v, device: `/dev/vd${String.fromCharCode(98 + i)}` })).reverse(),
    ...overrides,
  };
}

const host = {
  availability_zone: 'cn-north-4a',
  quantity: 2,
  product_id: 'workspace.dedicated.host.c6',
  image_volumes: [{ type: 'SAS', size: 80 }],
  memory_volumes: [{ type: 'SAS', size: 100 }],
  vpc_id: 'vpc-1',
  subnet_id: 'subnet-1',
};
const desired = desiredOf({
  'r.yaml': [
    desktop('desk-a', { data_volumes: [{ type: 'SAS', size: 100 }, { type: 'SSD', size: 50 }] }),
    desktop('desk-b'),
    pool('pool-a', 20),
    doc('SubnetBandwidth', 'office', { subnet_id: 'subnet-1', bandwidth_size: 10 }),
    doc('ExclusiveHost', 'hosts', host),
    doc('UserSharer', 'collab', { user_sharer_sku: 'workspace.usersharer.standard', users: [{ user_id: 'u-1', user_name: 'alice' }] }),
    doc('DesktopInternet', 'eip', { desktops: ['desk-a', 'desk-b'], eip_type: '5_bgp', eip_charge_mode: 'TRAFFIC', bandwidth_size: 5 }),
  ],
});
const spec = (address: string) => resourceOf(desired, address).spec;
const ordered = (address: string, orderIds = ['CS-1']): ResourceRecord => recordOf(address, spec(address), { status: 'ordered', cloud_id: undefined, order_ids: orderIds, awaiting_payment: false });
const active = (address: string, cloudId: string): ResourceRecord => recordOf(address, spec(address), { cloud_id: cloudId });
const refresh = (records: ResourceRecord[], state: LiveState) => refreshRecords(snapshotOf(records).resources, state, desired.resources, NOW);

describe('refreshRecords', () => {
  it('promotes ordered resources the cloud shows to active and learns their ids', () => {
    const records = ['Desktop/desk-a', 'DesktopPool/pool-a', 'SubnetBandwidth/office', 'ExclusiveHost/hosts'].map((a) => ordered(a));
    records.push(ordered('UserSharer/collab', ['CS-SHARER']));
    const state = live({
      desktops: [liveDesktop('d-a', spec('Desktop/desk-a'))],
      pools: [{ id: 'pool-1', name: 'pool-a', type: 'DYNAMIC', desktop_count: 20, image_id: spec('DesktopPool/pool-a')['image_id'] as string, status: 'STEADY' }],
      bandwidths: [{ bandwidth_id: 'bw-1', bandwidth_name: 'office', charge_mode: 'wks_bandwidth', size: 10, subnet_id: 'subnet-1', status: 'ACTIVE' }],
      hosts: [
        { dedicated_host_id: 'host-b', name: 'hosts-2', product_id: host.product_id, state: 'available' },
        { dedicated_host_id: 'host-a', name: 'hosts-1', product_id: host.product_id, state: 'available' },
        { dedicated_host_id: 'host-x', name: 'hosts-extra', product_id: host.product_id, state: 'available' },
      ],
      // No read API shows collaboration users: the BSS order status says the order is done.
      orderStatus: { 'CS-SHARER': ORDER_STATUS.completed },
    });
    const { records: out, drift } = refresh(records, state);
    expect(Object.values(out).map((r) => [r.address, r.status, r.cloud_id ?? null, r.updated_at])).toEqual([
      ['Desktop/desk-a', 'active', 'd-a', NOW.toISOString()],
      ['DesktopPool/pool-a', 'active', 'pool-1', NOW.toISOString()],
      ['SubnetBandwidth/office', 'active', 'bw-1', NOW.toISOString()],
      ['ExclusiveHost/hosts', 'active', 'host-a', NOW.toISOString()],
      ['UserSharer/collab', 'active', null, NOW.toISOString()],
    ]);
    expect(drift).toEqual([]);
  });

  it('keeps waiting what the cloud does not show yet, and an unpaid order stays ordered', () => {
    const { records: out, drift } = refresh([ordered('Desktop/desk-a'), ordered('UserSharer/collab', ['CS-S'])], live({ orderStatus: { 'CS-1': ORDER_STATUS.pendingPayment, 'CS-S': ORDER_STATUS.processing } }));
    expect(Object.values(out).map((r) => r.status)).toEqual(['ordered', 'ordered']);
    expect(drift).toEqual([]);
  });

  it('does not promote a change whose order is not done, even though the resource itself shows', () => {
    // The pool exists; its expansion (the last order) is still processing.
    const expanding = recordOf('DesktopPool/pool-a', { ...spec('DesktopPool/pool-a'), size: 30 }, { status: 'ordered', cloud_id: 'pool-1', order_ids: ['CS-1', 'CS-EXPAND'] });
    const pools = [{ id: 'pool-1', name: 'pool-a', type: 'DYNAMIC', desktop_count: 20, image_id: spec('DesktopPool/pool-a')['image_id'] as string, status: 'STEADY' }];
    const pending = refresh([expanding], live({ pools, orderStatus: { 'CS-EXPAND': ORDER_STATUS.processing } }));
    expect(pending.records['DesktopPool/pool-a']!.status).toBe('ordered');
    expect(pending.drift).toEqual([]);

    const done = refresh([expanding], live({ pools: [{ ...pools[0]!, desktop_count: 30 }], orderStatus: { 'CS-EXPAND': ORDER_STATUS.completed } }));
    expect(done.records['DesktopPool/pool-a']!.status).toBe('active');
    expect(done.drift).toEqual([]);
  });

  it('reports what differs in the cloud from what was ordered as "changed" drift, field by field', () => {
    const a = spec('Desktop/desk-a');
    const shown = liveDesktop('d-a', a, { metadata: { 'metering.image_id': IMAGE_B }, data_volumes: [{ type: 'SAS', size: 100, device: '/dev/vdb' }] });
    const { drift } = refresh([active('Desktop/desk-a', 'd-a')], live({ desktops: [shown] }));
    expect(drift).toEqual([
      {
        address: 'Desktop/desk-a',
        kind: 'changed',
        fields: [
          { path: 'image_id', op: 'change', before: IMAGE_A, after: IMAGE_B },
          { path: 'data_volumes', op: 'change', before: [{ type: 'SAS', size: 100 }, { type: 'SSD', size: 50 }], after: [{ type: 'SAS', size: 100 }] },
        ],
        message: 'Desktop/desk-a differs in the cloud from what was ordered: image_id, data_volumes',
      },
    ]);
  });

  it('reports an active resource the cloud no longer shows as "missing"', () => {
    const { drift, records: out } = refresh([active('DesktopPool/pool-a', 'pool-1')], live());
    expect(drift).toEqual([{ address: 'DesktopPool/pool-a', kind: 'missing', fields: [], message: 'DesktopPool/pool-a is recorded as active but the cloud no longer shows it' }]);
    expect(out['DesktopPool/pool-a']!.status).toBe('active');
  });

  it('reports a desired resource that exists in the cloud but not in the state as "unrecorded", and the plan refuses to order it again', () => {
    const state = live({ desktops: [liveDesktop('d-b', spec('Desktop/desk-b'))] });
    const { drift } = refresh([], state);
    expect(drift).toEqual([{ address: 'Desktop/desk-b', kind: 'unrecorded', fields: [], message: 'Desktop/desk-b exists in the cloud (d-b) but not in the recorded state' }]);

    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([]), live: state, targets: ['Desktop/desk-b'] });
    expect(changeOf(plan, 'Desktop/desk-b')).toMatchObject({ action: 'blocked', operation: null });
    expect(changeOf(plan, 'Desktop/desk-b').reason).toMatch(/already exists in the cloud \(d-b\) but is not in the recorded state; ordering it again would create a duplicate/);
    expect(plan.orders).toEqual([]);
    expect(plan.drift).toHaveLength(1);
  });

  it('turns a creating order cancelled in BSS into a failed record, so the next plan orders the resource again', () => {
    const { records: out } = refresh([ordered('Desktop/desk-b', ['CS-GONE'])], live({ orderStatus: { 'CS-GONE': ORDER_STATUS.cancelled } }));
    expect(out['Desktop/desk-b']).toMatchObject({ status: 'failed', error: { code: 'ORDER_CANCELLED', message: 'order CS-GONE was cancelled in the billing system' } });
    expect(out['Desktop/desk-b']).not.toHaveProperty('spec');

    const { plan, records } = planWithStateOf({ desired, recorded: snapshotOf([ordered('Desktop/desk-b', ['CS-GONE'])]), live: live({ orderStatus: { 'CS-GONE': ORDER_STATUS.cancelled } }), targets: ['Desktop/desk-b'] });
    expect(records['Desktop/desk-b']!.status).toBe('failed');
    expect(changeOf(plan, 'Desktop/desk-b')).toMatchObject({ action: 'create', operation: 'createDesktops' });
    expect(changeOf(plan, 'Desktop/desk-b').reason).toMatch(/^the previous order failed \(ORDER_CANCELLED: order CS-GONE was cancelled in the billing system\); ordering again/);
  });

  it('matches DesktopInternet through the EIPs bound to its desktops, and reports a desktop without one', () => {
    const records = [active('Desktop/desk-a', 'd-a'), active('Desktop/desk-b', 'd-b'), ordered('DesktopInternet/eip')];
    const eips = [{ id: 'eip-1', address: '100.64.0.1', bandwidth_size: 5, eip_charge_mode: 'TRAFFIC', attached_desktop_id: 'd-a' }];
    const desktops = [liveDesktop('d-a', spec('Desktop/desk-a')), liveDesktop('d-b', spec('Desktop/desk-b'))];
    const { records: out, drift } = refresh(records, live({ desktops, eips }));
    expect(out['DesktopInternet/eip']!.status).toBe('active');
    expect(drift).toEqual([
      { address: 'DesktopInternet/eip', kind: 'changed', fields: [{ path: 'desktops.desk-b', op: 'remove', before: true }], message: 'DesktopInternet/eip differs in the cloud from what was ordered: desktops.desk-b' },
    ]);
  });

  it('leaves records held by an in-doubt intent alone: only evidence or an operator settles them', () => {
    const doubted = { ...ordered('Desktop/desk-a'), status: 'in-doubt' as const, in_doubt_intent: 'ord-000000000000000000000001' };
    const { records: out, drift } = refresh([doubted], live({ desktops: [liveDesktop('d-a', spec('Desktop/desk-a'))] }));
    expect(out['Desktop/desk-a']).toEqual(doubted);
    expect(drift).toEqual([]);
  });

  it('runs inside the plan: the plan says it was refreshed, stays bound to the state it read, and lists drift in its own section', () => {
    const records = [active('Desktop/desk-a', 'd-a'), ordered('Desktop/desk-b')];
    const state = live({ desktops: [liveDesktop('d-b', spec('Desktop/desk-b'))] });
    const { plan, records: out } = planWithStateOf({ desired, recorded: snapshotOf(records, 12), live: state, targets: ['Desktop/desk-a', 'Desktop/desk-b'] });
    expect(plan.refreshed).toBe(true);
    expect(plan.bound_to.state_serial).toBe(12);
    expect(out['Desktop/desk-b']).toMatchObject({ status: 'active', cloud_id: 'd-b' });
    expect(actions(plan)).toEqual({ 'Desktop/desk-a': 'no-op', 'Desktop/desk-b': 'no-op' });
    expect(plan.drift.map((d) => [d.address, d.kind])).toEqual([['Desktop/desk-a', 'missing']]);
    expect(plan.summary.drift).toBe(1);
  });
});
