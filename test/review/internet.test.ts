/**
 * Review finding in the planner and refresh (src/plan/refresh.ts, kinds.ts): the "unrecorded" guard —
 * a desired resource with no record whose counterpart the cloud already shows is blocked, never ordered
 * again — needs a cloud id, and DesktopInternet has none. So EIP access was ordered again for desktops
 * that already have an EIP: after the DesktopInternet document was renamed in git (the old address is
 * "removed from git", the new one looks new), after the state lost its record, or when a desktop added
 * to the list got an EIP in the console meanwhile.
 */
import { describe, expect, it } from 'vitest';
import type { LiveState, Plan } from '../../src/plan/index.js';
import type { DesktopDetail, EipDetail } from '../../src/workspace/types.js';
import { actions, desiredOf, desktop, doc, planWithStateOf, recordOf, resourceOf, snapshotOf } from '../plan/helpers.js';

const EIP = { eip_type: '5_bgp', eip_charge_mode: 'TRAFFIC', bandwidth_size: 5 };

function liveDesktop(name: string): DesktopDetail {
  return { desktop_id: `id-${name}`, computer_name: name, status: 'ACTIVE', desktop_type: 'DEDICATED', product_id: 'workspace.k.xlarge2.uosv20pro' };
}

function eipOn(name: string): EipDetail {
  return { id: `eip-${name}`, address: '10.0.0.1', bandwidth_size: 5, eip_charge_mode: 'TRAFFIC', attached_desktop_id: `id-${name}` };
}

function live(eips: EipDetail[]): LiveState {
  return { desktops: ['d1', 'd2', 'd3'].map(liveDesktop), pools: [], bandwidths: [], eips, hosts: [], orderStatus: {} };
}

const eipOrdersFor = (plan: Plan) => plan.orders.flatMap((o) => o.body.resources[0]?.apply_desktops_internet?.desktop_ids ?? []);

function desks(desired: ReturnType<typeof desiredOf>) {
  return ['d1', 'd2', 'd3'].map((n) => recordOf(`Desktop/${n}`, resourceOf(desired, `Desktop/${n}`).spec, { cloud_id: `id-${n}` }));
}

describe('EIP access for desktops that already have an EIP', () => {
  it('is not ordered again when the DesktopInternet document was renamed', () => {
    const desired = desiredOf({ 'r.yaml': [desktop('d1'), desktop('d2'), desktop('d3'), doc('DesktopInternet', 'office-internet', { desktops: ['d1', 'd2'], ...EIP })] });
    const oldSpec = { ...resourceOf(desired, 'DesktopInternet/office-internet').spec };
    const old = recordOf('DesktopInternet/eip', oldSpec, { cloud_id: undefined });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([...desks(desired), old]), live: live([eipOn('d1'), eipOn('d2')]) });
    expect(eipOrdersFor(plan)).toEqual([]);
    expect(actions(plan)['DesktopInternet/office-internet']).toBe('blocked');
  });

  it('is not ordered again for a desktop added to the list that got an EIP elsewhere', () => {
    const desired = desiredOf({ 'r.yaml': [desktop('d1'), desktop('d2'), desktop('d3'), doc('DesktopInternet', 'eip', { desktops: ['d1', 'd2', 'd3'], ...EIP })] });
    const recorded = recordOf('DesktopInternet/eip', { ...resourceOf(desired, 'DesktopInternet/eip').spec, desktops: ['d1', 'd2'] }, { cloud_id: undefined });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([...desks(desired), recorded]), live: live([eipOn('d1'), eipOn('d2'), eipOn('d3')]) });
    expect(eipOrdersFor(plan)).not.toContain('id-d3');
  });

  it('is still ordered for desktops without one', () => {
    const desired = desiredOf({ 'r.yaml': [desktop('d1'), desktop('d2'), desktop('d3'), doc('DesktopInternet', 'eip', { desktops: ['d1', 'd2', 'd3'], ...EIP })] });
    const recorded = recordOf('DesktopInternet/eip', { ...resourceOf(desired, 'DesktopInternet/eip').spec, desktops: ['d1', 'd2'] }, { cloud_id: undefined });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([...desks(desired), recorded]), live: live([eipOn('d1'), eipOn('d2')]) });
    expect(eipOrdersFor(plan)).toEqual(['id-d3']);
  });
});
