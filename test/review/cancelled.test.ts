/**
 * Review findings in how a cancelled BSS order is taken into the recorded state (src/plan/refresh.ts)
 * and planned (src/plan/plan.ts). refresh drops a record's spec only when the cancelled order was the
 * one that created the resource; it told that from `order_ids.length === 1`, which is wrong both ways:
 * a record placed without a known order id (an operator's `state resolve --placed`, or evidence on
 * resources that carry no order id) has one order id after its first change, and a resource ordered
 * again after a cancelled create has two.
 */
import { describe, expect, it } from 'vitest';
import type { LiveState } from '../../src/plan/index.js';
import type { DesktopDetail } from '../../src/workspace/types.js';
import { ORDER_STATUS } from '../../src/workspace/types.js';
import { actions, changeOf, desiredOf, desktop, doc, planWithStateOf, recordOf, resourceOf, snapshotOf } from '../plan/helpers.js';

function live(parts: Partial<LiveState> = {}): LiveState {
  return { desktops: [], pools: [], bandwidths: [], eips: [], hosts: [], orderStatus: {}, ...parts };
}

function liveDesktop(id: string, name: string, dataVolumes: { type: string; size: number }[] = []): DesktopDetail {
  return { desktop_id: id, computer_name: name, status: 'ACTIVE', desktop_type: 'DEDICATED', product_id: 'workspace.k.xlarge2.uosv20pro', data_volumes: dataVolumes.map((v, i) => ({ ...v, device: `/dev/vd${String.fromCharCode(98 + i)}` })) };
}

const EIP = { eip_type: '5_bgp', eip_charge_mode: 'TRAFFIC', bandwidth_size: 5 };

describe('a cancelled order in refresh and plan', () => {
  it('never turns into a new create for resources the cloud shows (EIP access placed without a known order id, then a cancelled addition)', () => {
    const desired = desiredOf({ 'r.yaml': [desktop('d1'), desktop('d2'), desktop('d3'), doc('DesktopInternet', 'eip', { desktops: ['d1', 'd2', 'd3'], ...EIP })] });
    const desks = ['d1', 'd2', 'd3'].map((n) => recordOf(`Desktop/${n}`, resourceOf(desired, `Desktop/${n}`).spec, { cloud_id: `id-${n}` }));
    // EIPs for d1 and d2 were settled placed without an order id (order_ids []); then d3 was added with
    // order CS-ADD, which nobody paid and BSS cancelled.
    const internet = recordOf('DesktopInternet/eip', resourceOf(desired, 'DesktopInternet/eip').spec, { status: 'ordered', cloud_id: undefined, order_ids: ['CS-ADD'] });
    const state = live({
      desktops: [liveDesktop('id-d1', 'd1'), liveDesktop('id-d2', 'd2'), liveDesktop('id-d3', 'd3')],
      eips: [
        { id: 'eip-1', address: '10.0.0.1', bandwidth_size: 5, eip_charge_mode: 'TRAFFIC', attached_desktop_id: 'id-d1' },
        { id: 'eip-2', address: '10.0.0.2', bandwidth_size: 5, eip_charge_mode: 'TRAFFIC', attached_desktop_id: 'id-d2' },
      ],
      orderStatus: { 'CS-ADD': ORDER_STATUS.cancelled },
    });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([...desks, internet]), live: state });
    const eipFor = plan.orders.flatMap((o) => o.body.resources[0]?.apply_desktops_internet?.desktop_ids ?? []);
    // d1 and d2 already have their EIPs: ordering them again bills them twice.
    expect(eipFor).not.toContain('id-d1');
    expect(eipFor).not.toContain('id-d2');
  });

  it('shows a cancelled change as blocked, not as "no-op" (the added volume was never ordered)', () => {
    const volumes = [{ type: 'SAS', size: 100 }, { type: 'SAS', size: 50 }];
    const desired = desiredOf({ 'r.yaml': [desktop('d1', { data_volumes: volumes })] });
    const record = recordOf('Desktop/d1', resourceOf(desired, 'Desktop/d1').spec, { status: 'ordered', cloud_id: 'id-d1', order_ids: ['CS-CREATE', 'CS-ADD'] });
    const state = live({ desktops: [liveDesktop('id-d1', 'd1', volumes.slice(0, 1))], orderStatus: { 'CS-ADD': ORDER_STATUS.cancelled } });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([record]), live: state });
    expect(actions(plan)).toEqual({ 'Desktop/d1': 'blocked' });
    expect(changeOf(plan, 'Desktop/d1').reason).toContain('CS-ADD was cancelled');
  });

  it('orders a desktop again when its second creating order was cancelled too (never seen in the cloud)', () => {
    const desired = desiredOf({ 'r.yaml': [desktop('d1')] });
    // CS-1 was cancelled (the record lost its spec), d1 was ordered again with CS-2, and that was cancelled as well.
    const record = recordOf('Desktop/d1', resourceOf(desired, 'Desktop/d1').spec, { status: 'ordered', cloud_id: undefined, order_ids: ['CS-1', 'CS-2'] });
    const { plan, records } = planWithStateOf({ desired, recorded: snapshotOf([record]), live: live({ orderStatus: { 'CS-2': ORDER_STATUS.cancelled } }) });
    expect(records['Desktop/d1']).toMatchObject({ status: 'failed', error: { code: 'ORDER_CANCELLED' } });
    expect(actions(plan)).toEqual({ 'Desktop/d1': 'create' });
  });
});
