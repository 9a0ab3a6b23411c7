/**
 * Review finding in the planner (src/plan/plan.ts): a create is blocked when the cloud already shows the
 * resource but the state does not ("unrecorded"), yet an update was ordered from the recorded spec even
 * when the read APIs show that the cloud already has what the update would add. A record lags the cloud
 * after an operator's mistaken `state resolve --not-placed`, a restored state file, or the same change
 * made in the console; ordering the difference again bills it twice.
 */
import { describe, expect, it } from 'vitest';
import type { LiveState } from '../../src/plan/index.js';
import type { DesktopDetail } from '../../src/workspace/types.js';
import { IMAGE_A, IMAGE_B, actions, changeOf, desiredOf, desktop, planWithStateOf, pool, recordOf, resourceOf, snapshotOf } from '../plan/helpers.js';

function live(parts: Partial<LiveState> = {}): LiveState {
  return { desktops: [], pools: [], bandwidths: [], eips: [], hosts: [], orderStatus: {}, ...parts };
}

function liveDesktop(name: string, image: string, volumes: { type: string; size: number }[]): DesktopDetail {
  return {
    desktop_id: `id-${name}`,
    computer_name: name,
    status: 'ACTIVE',
    desktop_type: 'DEDICATED',
    product_id: 'workspace.k.xlarge2.uosv20pro',
    metadata: { 'metering.image_id': image },
    root_volume: { type: 'SAS', size: 80, device: '/dev/vda' },
    data_volumes: volumes.map((v, i) => ({ ...v, device: `/dev/vd${String.fromCharCode(98 + i)}` })),
  };
}

const V1 = { type: 'SAS', size: 100 };
const V2 = { type: 'SAS', size: 50 };

describe('an update whose result the cloud already shows', () => {
  it('is blocked for added data volumes the desktop already has', () => {
    const desired = desiredOf({ 'r.yaml': [desktop('d1', { data_volumes: [V1, V2] })] });
    const recorded = recordOf('Desktop/d1', { ...resourceOf(desired, 'Desktop/d1').spec, data_volumes: [V1] }, { cloud_id: 'id-d1' });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([recorded]), live: live({ desktops: [liveDesktop('d1', IMAGE_A, [V1, V2])] }) });
    expect(plan.orders).toEqual([]);
    expect(actions(plan)).toEqual({ 'Desktop/d1': 'blocked' });
    expect(changeOf(plan, 'Desktop/d1').reason).toMatch(/already/);
  });

  it('is blocked for a pool the cloud already shows at the size the expand would reach', () => {
    const desired = desiredOf({ 'r.yaml': [pool('p1', 20)] });
    const recorded = recordOf('DesktopPool/p1', { ...resourceOf(desired, 'DesktopPool/p1').spec, size: 10 }, { cloud_id: 'pool-1' });
    const state = live({ pools: [{ id: 'pool-1', name: 'p1', type: 'DYNAMIC', desktop_count: 20, image_id: resourceOf(desired, 'DesktopPool/p1').spec['image_id'] as string, status: 'STEADY' }] });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([recorded]), live: state });
    expect(plan.orders).toEqual([]);
    expect(actions(plan)).toEqual({ 'DesktopPool/p1': 'blocked' });
  });

  it('is blocked for a rebuild to the image the desktop already runs', () => {
    const desired = desiredOf({ 'r.yaml': [desktop('d1', { image_id: IMAGE_B }, { annotations: { 'workspace-gitops/allow-rebuild': 'true' } })] });
    const recorded = recordOf('Desktop/d1', { ...resourceOf(desired, 'Desktop/d1').spec, image_id: IMAGE_A }, { cloud_id: 'id-d1' });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([recorded]), live: live({ desktops: [liveDesktop('d1', IMAGE_B, [])] }) });
    expect(plan.orders).toEqual([]);
    expect(actions(plan)).toEqual({ 'Desktop/d1': 'blocked' });
  });

  it('is still ordered when the cloud matches the record (no drift)', () => {
    const desired = desiredOf({ 'r.yaml': [desktop('d1', { data_volumes: [V1, V2] })] });
    const recorded = recordOf('Desktop/d1', { ...resourceOf(desired, 'Desktop/d1').spec, data_volumes: [V1] }, { cloud_id: 'id-d1' });
    const { plan } = planWithStateOf({ desired, recorded: snapshotOf([recorded]), live: live({ desktops: [liveDesktop('d1', IMAGE_A, [V1])] }) });
    expect(plan.orders.map((o) => o.type)).toEqual(['addVolumes']);
  });
});
