/**
 * --refresh, pure: match what the read APIs show to recorded addresses, learn cloud ids, promote
 * `ordered` to `active`, and report drift (what the cloud shows differs from what was ordered, or is gone).
 */
import type { DesiredResource } from '../desired/model.js';
import { parseAddress } from '../desired/kinds.js';
import type { Json, JsonObject, ResourceRecord } from '../state/types.js';
import type { DesktopDetail, VolumeDetail } from '../workspace/types.js';
import { ORDER_STATUS } from '../workspace/types.js';
import type { Drift, FieldDiff, LiveState } from './types.js';

export interface RefreshResult {
  records: Record<string, ResourceRecord>;
  drift: Drift[];
  /** Desired addresses with no record whose cloud counterpart exists (address → cloud id). */
  unrecorded: Map<string, string>;
}

function volumeShape(v: VolumeDetail | undefined): Json {
  return v ? { type: v.type, size: v.size } : null;
}

function sortedVolumes(volumes: readonly VolumeDetail[] | undefined): VolumeDetail[] {
  // The API lists data volumes in no fixed order; the device name gives the attachment order.
  return [...(volumes ?? [])].sort((a, b) => (a.device ?? '').localeCompare(b.device ?? '') || (a.create_time ?? '').localeCompare(b.create_time ?? ''));
}

function compare(path: string, ordered: Json | undefined, live: Json | undefined, out: FieldDiff[]): void {
  if (JSON.stringify(ordered ?? null) !== JSON.stringify(live ?? null)) out.push({ path, op: 'change', before: ordered ?? null, after: live ?? null });
}

function desktopDrift(spec: JsonObject, d: DesktopDetail): FieldDiff[] {
  const out: FieldDiff[] = [];
  compare('image_id', spec['image_id'], d.metadata?.['metering.image_id'], out);
  compare('product_id', spec['product_id'], d.product_id, out);
  const root = spec['root_volume'] as { type: string; size: number } | undefined;
  compare('root_volume', root ? { type: root.type, size: root.size } : null, volumeShape(d.root_volume), out);
  const ordered = ((spec['data_volumes'] ?? []) as { type: string; size: number }[]).map((v) => ({ type: v.type, size: v.size }));
  compare('data_volumes', ordered, sortedVolumes(d.data_volumes).map(volumeShape), out);
  return out;
}

/** The record with its cloud id learned and `ordered` promoted to `active`; the same object when nothing changes. */
function promote(record: ResourceRecord, cloudId: string | undefined, now: string): ResourceRecord {
  if (record.status !== 'ordered' && (cloudId === undefined || record.cloud_id === cloudId)) return record;
  const next: ResourceRecord = { ...record, updated_at: now };
  if (cloudId !== undefined) next.cloud_id = cloudId;
  if (record.status === 'ordered') {
    next.status = 'active';
    delete next.awaiting_payment;
  }
  return next;
}

function missing(address: string, what: string): Drift {
  return { address, kind: 'missing', fields: [], message: `${what} is recorded as active but the cloud no longer shows it` };
}

/** Hosts are named `name` (one host) or `name-1` … `name-N`. */
function hostsNamed(live: LiveState, name: string) {
  return live.hosts.filter((h) => h.name === name || (h.name.startsWith(`${name}-`) && /^\d+$/.test(h.name.slice(name.length + 1))));
}

export function refreshRecords(records: Readonly<Record<string, ResourceRecord>>, live: LiveState, desired: readonly DesiredResource[], now: Date): RefreshResult {
  const at = now.toISOString();
  const desktopsByName = new Map(live.desktops.map((d) => [d.computer_name.toLowerCase(), d]));
  const poolsByName = new Map(live.pools.map((p) => [p.name, p]));
  const bandwidthsByName = new Map(live.bandwidths.map((b) => [b.bandwidth_name, b]));
  const eipsByDesktop = new Map(live.eips.filter((e) => e.attached_desktop_id).map((e) => [e.attached_desktop_id!, e]));
  const out: Record<string, ResourceRecord> = { ...records };
  const drift: Drift[] = [];

  const lookups: Record<string, (spec: JsonObject, name: string) => { id?: string; fields?: FieldDiff[]; found: boolean }> = {
    Desktop: (spec) => {
      const d = desktopsByName.get((spec['computer_name'] as string).toLowerCase());
      return d ? { found: true, id: d.desktop_id, fields: desktopDrift(spec, d) } : { found: false };
    },
    DesktopPool: (spec, name) => {
      const p = poolsByName.get(name);
      if (!p) return { found: false };
      const fields: FieldDiff[] = [];
      compare('size', spec['size'], p.desktop_count, fields);
      compare('image_id', spec['image_id'], p.image_id, fields);
      return { found: true, id: p.id, fields };
    },
    SubnetBandwidth: (spec) => {
      const b = bandwidthsByName.get(spec['bandwidth_name'] as string);
      if (!b) return { found: false };
      const fields: FieldDiff[] = [];
      compare('bandwidth_size', spec['bandwidth_size'], b.size, fields);
      return { found: true, id: b.bandwidth_id, fields };
    },
    ExclusiveHost: (spec) => {
      const hosts = hostsNamed(live, spec['name'] as string);
      if (hosts.length === 0) return { found: false };
      const fields: FieldDiff[] = [];
      compare('quantity', spec['quantity'], hosts.length, fields);
      return { found: true, id: hosts.map((h) => h.dedicated_host_id).sort()[0]!, fields };
    },
    DesktopInternet: (spec) => {
      const names = (spec['desktops'] ?? []) as string[];
      const ids = names.map((n) => out[`Desktop/${n}`]?.cloud_id);
      const withEip = ids.filter((id) => id !== undefined && eipsByDesktop.has(id));
      if (withEip.length === 0) return { found: false };
      const fields: FieldDiff[] = [];
      names.forEach((n, i) => {
        const id = ids[i];
        if (id === undefined || !eipsByDesktop.has(id)) fields.push({ path: `desktops.${n}`, op: 'remove', before: true });
      });
      return { found: true, fields };
    },
  };

  // Desktops first: DesktopInternet matching needs their ids.
  const addresses = Object.keys(out).sort((a, b) => Number(parseAddress(b)?.kind === 'Desktop') - Number(parseAddress(a)?.kind === 'Desktop'));
  for (const address of addresses) {
    const record = out[address]!;
    if (!record.spec || record.in_doubt_intent) continue;
    const lookup = lookups[record.kind];
    const lastOrder = record.order_ids[record.order_ids.length - 1];
    const orderStatus = lastOrder === undefined ? undefined : live.orderStatus[lastOrder];
    if (!lookup) {
      // No read API shows this kind (UserSharer): the BSS order status tells when it is done.
      if (record.status === 'ordered' && orderStatus === ORDER_STATUS.completed) out[address] = promote(record, undefined, at);
      else if (record.status === 'ordered' && orderStatus === ORDER_STATUS.cancelled) out[address] = cancelled(record, lastOrder!, at, record.order_ids.length === 1);
      continue;
    }
    const found = lookup(record.spec, record.name);
    if (found.found && record.status === 'ordered' && orderStatus !== undefined && orderStatus !== ORDER_STATUS.completed) {
      // The resource shows, but its last order (addVolumes, expandDesktopPool … on a resource that already
      // existed) is not done: not active yet, and what the cloud shows is not drift.
      const learned = found.id === undefined || record.cloud_id === found.id ? record : { ...record, cloud_id: found.id, updated_at: at };
      // The cloud shows the resource, so whatever was cancelled did not create it: never forget its spec.
      out[address] = orderStatus === ORDER_STATUS.cancelled ? cancelled(learned, lastOrder!, at, false) : learned;
    } else if (found.found) {
      out[address] = promote(record, found.id, at);
      if (found.fields && found.fields.length > 0) {
        drift.push({ address, kind: 'changed', fields: found.fields, message: `${address} differs in the cloud from what was ordered: ${found.fields.map((f) => f.path).join(', ')}` });
      }
    } else if (record.status === 'active') {
      drift.push(missing(address, address));
    } else if (record.status === 'ordered' && orderStatus === ORDER_STATUS.cancelled) {
      // Not in the cloud and never seen there (no cloud id): the cancelled order was the creating one,
      // however many cancelled orders came before it. A resource once seen was changed, not created.
      out[address] = cancelled(record, lastOrder!, at, record.cloud_id === undefined);
    }
  }

  const unrecorded = new Map<string, string>();
  for (const r of desired) {
    if (out[r.address]?.spec) continue;
    const lookup = lookups[r.kind];
    const found = lookup?.(r.spec, r.name);
    if (found?.found && found.id) {
      unrecorded.set(r.address, found.id);
      drift.push({ address: r.address, kind: 'unrecorded', fields: [], message: `${r.address} exists in the cloud (${found.id}) but not in the recorded state` });
    }
  }
  drift.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { records: out, drift, unrecorded };
}

/**
 * An order cancelled in BSS (e.g. unpaid for about 7 days) placed nothing. When it was the creating
 * order, the resource may be ordered again; a cancelled change keeps its record and reports the error
 * (the plan shows it blocked). The caller says which it was: dropping the spec of a resource that
 * exists would order it again.
 */
function cancelled(record: ResourceRecord, orderId: string, at: string, creating: boolean): ResourceRecord {
  const error = { code: 'ORDER_CANCELLED', message: `order ${orderId} was cancelled in the billing system` };
  if (!creating) return record.error?.code === error.code && record.error.message === error.message ? record : { ...record, error, updated_at: at };
  const { spec: _spec, spec_hash: _hash, awaiting_payment: _pay, ...rest } = record;
  return { ...rest, status: 'failed', error, updated_at: at };
}
