/**
 * Review findings in the in-doubt evidence (src/apply/evidence.ts). A "not placed" resolution lets the
 * next plan order the same resources again, so every doubt about the BSS order list must keep the
 * intent in doubt: an order of another service type, a time BSS writes in another format, a BSS clock
 * behind ours within what the gateway accepts, and an order still being created.
 */
import { describe, expect, it } from 'vitest';
import { resolveWithEvidence, type EvidenceInput } from '../../src/apply/evidence.js';
import type { LiveState } from '../../src/plan/index.js';
import { specHash, type JsonObject, type OrderIntent } from '../../src/state/index.js';
import type { CustomerOrder, DesktopDetail, DesktopPoolDetail, WorkspaceApi } from '../../src/workspace/types.js';
import { silentLogger } from '../../src/log.js';

const T = Date.parse('2026-03-01T08:00:00.000Z');
const at = (offsetMs: number) => new Date(T + offsetMs);
const MIN = 60_000;

function target(address: string, spec: JsonObject) {
  const [kind = '', name = ''] = address.split('/');
  return { kind, name, spec, spec_hash: specHash(spec) };
}

/** An in-doubt addVolumes intent: Desktop/alice (d-alice) gets a second data volume. */
function addVolumesIntent(id = 'ord-aaaaaaaaaaaaaaaaaaaaaaaa'): OrderIntent {
  const spec = { computer_name: 'alice', data_volumes: [{ type: 'SAS', size: 50 }, { type: 'SAS', size: 100 }] };
  return {
    kind: 'intent',
    id,
    type: 'addVolumes',
    addresses: ['Desktop/alice'],
    body: { type: 'addVolumes', enterprise_project_id: '0', resources: [{ add_volumes: { desktop_id: 'd-alice', volumes: [{ type: 'SAS', size: 100 }] } }] } as unknown as OrderIntent['body'],
    targets: { 'Desktop/alice': target('Desktop/alice', spec) },
    at: at(0).toISOString(),
  };
}

function sharerIntent(id = 'ord-bbbbbbbbbbbbbbbbbbbbbbbb'): OrderIntent {
  const spec = { user_sharer_sku: 'sku', users: [{ user_id: 'u1', user_name: 'u1' }] };
  return {
    kind: 'intent',
    id,
    type: 'subscribeUserSharer',
    addresses: ['UserSharer/team'],
    body: { type: 'subscribeUserSharer', enterprise_project_id: '0', resources: [{ period_type: 2, period_num: 1, is_auto_renew: 1, subscribe_user_sharer: spec }] } as unknown as OrderIntent['body'],
    targets: { 'UserSharer/team': target('UserSharer/team', spec) },
    at: at(0).toISOString(),
  };
}

function expandIntent(id = 'ord-cccccccccccccccccccccccc'): OrderIntent {
  const spec = { size: 20 };
  return {
    kind: 'intent',
    id,
    type: 'expandDesktopPool',
    addresses: ['DesktopPool/p'],
    body: { type: 'expandDesktopPool', enterprise_project_id: '0', resources: [{ expand_desktop_pool: { pool_id: 'pool-1', size: 10 } }] } as unknown as OrderIntent['body'],
    targets: { 'DesktopPool/p': target('DesktopPool/p', spec) },
    at: at(0).toISOString(),
  };
}

/** alice exists with her first data volume only: the added one is not (yet) visible. */
function live(extra: Partial<LiveState> = {}): LiveState {
  const alice = { desktop_id: 'd-alice', computer_name: 'alice', status: 'ACTIVE', desktop_type: 'DEDICATED', product_id: 'p', data_volumes: [{ type: 'SAS', size: 50 }] } as DesktopDetail;
  return { desktops: [alice], pools: [], bandwidths: [], eips: [], hosts: [], orderStatus: {}, ...extra };
}

function bss(orders: CustomerOrder[]): WorkspaceApi {
  return {
    listCustomerOrders: (filter: { create_time_begin?: string } = {}) =>
      Promise.resolve(orders.filter((o) => filter.create_time_begin === undefined || Number.isNaN(Date.parse(o.create_time)) || Date.parse(o.create_time) >= Date.parse(filter.create_time_begin))),
  } as unknown as WorkspaceApi;
}

function input(intents: OrderIntent[], orders: CustomerOrder[], options: { now?: Date; live?: LiveState } = {}): EvidenceInput {
  return { intents, snapshot: { format_version: 1, lineage: 'l', serial: 3, resources: {} }, journalOrderIds: [], live: options.live ?? live(), api: bss(orders), now: options.now ?? at(30 * MIN), logger: silentLogger };
}

const notPlaced = (resolutions: Awaited<ReturnType<typeof resolveWithEvidence>>) => resolutions.filter((r) => !r.placed).map((r) => r.intent_id);

describe('in-doubt evidence: the BSS order list', () => {
  it('counts an unaccounted order whatever its service type (an addVolumes order may be billed as EVS)', async () => {
    const order: CustomerOrder = { order_id: 'CS2603010801EVS01', status: 6, service_type_code: 'hws.service.type.ebs', create_time: '2026-03-01T08:01:00Z' };
    expect(notPlaced(await resolveWithEvidence(input([addVolumesIntent()], [order])))).toEqual([]);
  });

  it('counts an unaccounted order whose create_time it cannot parse', async () => {
    const order: CustomerOrder = { order_id: 'CS2603010801WKS01', status: 6, service_type_code: 'hws.service.type.workspace', create_time: '20260301080100' };
    expect(notPlaced(await resolveWithEvidence(input([addVolumesIntent()], [order])))).toEqual([]);
  });

  it('allows for a BSS clock as far behind as the API gateway accepts signed requests (15 minutes)', async () => {
    // Sent right after the intent; BSS, 12 minutes behind this machine, stamps it 07:48.
    const order: CustomerOrder = { order_id: 'CS2603010748WKS01', status: 6, service_type_code: 'hws.service.type.workspace', create_time: '2026-03-01T07:48:00Z' };
    expect(notPlaced(await resolveWithEvidence(input([addVolumesIntent()], [order])))).toEqual([]);
  });

  it('does not settle "not placed" while the order may still be in the making (the POST timed out seconds ago)', async () => {
    // The client gave up on the POST after its timeout; the service may still be creating the order,
    // so an empty BSS list right now proves nothing.
    expect(notPlaced(await resolveWithEvidence(input([addVolumesIntent()], [], { now: at(45_000) })))).toEqual([]);
    // Once the settle time has passed since the intent, the same empty list does settle it.
    expect(notPlaced(await resolveWithEvidence(input([addVolumesIntent()], [], { now: at(16 * MIN) })))).toEqual(['ord-aaaaaaaaaaaaaaaaaaaaaaaa']);
  });

  it('long after the intent, an empty BSS list and no resources settle it "not placed"', async () => {
    expect(notPlaced(await resolveWithEvidence(input([addVolumesIntent()], [], { now: at(30 * MIN) })))).toEqual(['ord-aaaaaaaaaaaaaaaaaaaaaaaa']);
  });

  it('does not let a guessed adoption account for the only unaccounted order while another intent could own it', async () => {
    // The pool grew by autoscaling (its count meets the expand target) although the expand order was
    // never sent; the one unaccounted order is the collaboration subscription's. Adopting it for the
    // pool by guess must not make the subscription "not placed".
    const pool = { id: 'pool-1', name: 'p', type: 'DYNAMIC', desktop_count: 20, status: 'STEADY' } as DesktopPoolDetail;
    const order: CustomerOrder = { order_id: 'CS2603010801USR01', status: 6, service_type_code: 'hws.service.type.workspace', create_time: '2026-03-01T08:01:00Z' };
    const resolutions = await resolveWithEvidence(input([expandIntent(), sharerIntent()], [order], { live: live({ pools: [pool] }) }));
    expect(notPlaced(resolutions)).toEqual([]);
    // Nor is the guess recorded as the pool's order (which would account for it in every later run).
    expect(resolutions.find((r) => r.intent_id === 'ord-cccccccccccccccccccccccc')?.order_id).toBeUndefined();
  });
});
