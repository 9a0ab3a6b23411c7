/**
 * The simulated cloud's resources, and the claims of accepted orders not yet provisioned (names,
 * subnets, users …) that the business rules check new orders against. Provisioning applies an order's
 * effects at the time the resources appear.
 */
import type { DesktopDetail, DesktopPoolDetail, EipDetail, ExclusiveHostDetail, SubnetBandwidthDetail, VolumeDetail } from '../workspace/types.js';
import type { Effect } from './effects.js';
import { isoTime } from './ids.js';
import type { UserSharerRecord } from './types.js';

/** Data volumes show as /dev/vdb, /dev/vdc …; the system disk is /dev/vda. */
function device(index: number): string {
  return `/dev/vd${String.fromCharCode('a'.charCodeAt(0) + index)}`;
}

/** 100.64.0.0/10 (shared address space): the n-th EIP, never a real public address. */
function eipAddress(n: number): string {
  const v = 0x64400000 + 1 + n;
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join('.');
}

function byCreatedThenId(a: DesktopDetail, b: DesktopDetail): number {
  const ca = a.created ?? '';
  const cb = b.created ?? '';
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.desktop_id < b.desktop_id ? -1 : a.desktop_id > b.desktop_id ? 1 : 0;
}

export class Store {
  readonly desktops = new Map<string, DesktopDetail>();
  readonly pools = new Map<string, DesktopPoolDetail>();
  readonly bandwidths = new Map<string, SubnetBandwidthDetail>();
  readonly eips = new Map<string, EipDetail>();
  readonly hosts = new Map<string, ExclusiveHostDetail>();
  readonly sharers = new Map<string, UserSharerRecord>();

  /** What accepted orders create or claim, provisioned or not (computer names in lower case). */
  readonly claims = {
    computerNames: new Set<string>(),
    poolNames: new Set<string>(),
    bandwidthSubnets: new Set<string>(),
    eipDesktops: new Set<string>(),
    hostNames: new Set<string>(),
    sharerUsers: new Set<string>(),
    /** Data volumes ordered by addVolumes and not yet provisioned, per desktop. */
    pendingDataVolumes: new Map<string, number>(),
  };

  private sorted: DesktopDetail[] | undefined;
  private eipCount = 0;

  /** Desktops by creation time, then id: the stable order the list API pages through. */
  sortedDesktops(): readonly DesktopDetail[] {
    this.sorted ??= [...this.desktops.values()].sort(byCreatedThenId);
    return this.sorted;
  }

  /** Records what an accepted order will create, so later orders cannot claim it again. */
  claim(effects: readonly Effect[]): void {
    const c = this.claims;
    for (const e of effects) {
      if (e.kind === 'desktop') c.computerNames.add(e.desktop.computer_name.toLowerCase());
      else if (e.kind === 'add-volumes') c.pendingDataVolumes.set(e.desktop_id, (c.pendingDataVolumes.get(e.desktop_id) ?? 0) + e.volumes.length);
      else if (e.kind === 'pool') c.poolNames.add(e.pool.name);
      else if (e.kind === 'bandwidth') c.bandwidthSubnets.add(e.bandwidth.subnet_id);
      else if (e.kind === 'eip' && e.eip.attached_desktop_id !== undefined) c.eipDesktops.add(e.eip.attached_desktop_id);
      else if (e.kind === 'host') c.hostNames.add(e.host.name);
      else if (e.kind === 'sharer') c.sharerUsers.add(e.sharer.user_id);
    }
  }

  /** Makes an order's effects visible, as of `at`. */
  provision(effects: readonly Effect[], at: Date): void {
    const time = isoTime(at);
    for (const e of effects) this.apply(e, time);
  }

  private apply(e: Effect, time: string): void {
    switch (e.kind) {
      case 'desktop': {
        const d = structuredClone(e.desktop);
        d.created = time;
        for (const v of [d.root_volume, ...(d.data_volumes ?? [])]) if (v) v.create_time = time;
        if (d.root_volume) d.root_volume.device = device(0);
        (d.data_volumes ?? []).forEach((v, i) => (v.device = device(i + 1)));
        this.desktops.set(d.desktop_id, d);
        this.sorted = undefined;
        return;
      }
      case 'add-volumes':
        return this.addVolumes(e.desktop_id, e.volumes, time);
      case 'rebuild':
        for (const id of e.desktop_ids) {
          const d = this.desktops.get(id);
          if (d) d.metadata = { ...d.metadata, 'metering.image_id': e.image_id };
        }
        return;
      case 'pool':
        this.pools.set(e.pool.id, { ...structuredClone(e.pool), created_time: time });
        return;
      case 'expand-pool': {
        const pool = this.pools.get(e.pool_id);
        if (pool) pool.desktop_count += e.size;
        return;
      }
      case 'bandwidth':
        this.bandwidths.set(e.bandwidth.bandwidth_id, { ...e.bandwidth, created_at: time });
        return;
      case 'eip':
        return this.addEip(e.eip, time);
      case 'host':
        this.hosts.set(e.host.dedicated_host_id, { ...structuredClone(e.host), allocated_at: time });
        return;
      case 'resize-hosts':
        for (const h of this.hosts.values()) if (h.product_id === e.product_id) h.desktop_quantity = e.new_quantity;
        return;
      case 'sharer':
        this.sharers.set(e.sharer.user_id, { ...e.sharer, subscribed_at: time });
        return;
    }
  }

  private addVolumes(desktopId: string, volumes: readonly VolumeDetail[], time: string): void {
    const pending = this.claims.pendingDataVolumes;
    const left = (pending.get(desktopId) ?? 0) - volumes.length;
    if (left > 0) pending.set(desktopId, left);
    else pending.delete(desktopId);
    const d = this.desktops.get(desktopId);
    if (!d) return;
    const existing = d.data_volumes ?? [];
    d.data_volumes = [...existing, ...volumes.map((v, i) => ({ ...v, device: device(existing.length + i + 1), create_time: time }))];
  }

  private addEip(eip: EipDetail, time: string): void {
    const out: EipDetail = { ...eip, address: eipAddress(this.eipCount++), create_time: time };
    const d = eip.attached_desktop_id === undefined ? undefined : this.desktops.get(eip.attached_desktop_id);
    if (d) {
      out.attached_desktop_name = d.computer_name;
      d.internet_mode = 'EIP';
    }
    this.eips.set(out.id, out);
  }
}
