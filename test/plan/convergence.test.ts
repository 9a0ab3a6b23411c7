/**
 * Convergence property: for random valid desired states, placing a plan's orders on the simulator (the
 * real HTTP client, the journal's intent/outcome entries folded into the state), then refreshing and
 * planning again, reaches a plan with nothing to create, update or block and no drift, in a bounded
 * number of rounds; and no resource is ever ordered twice. Each case then makes random changes the
 * order API can express (more volumes, larger pools, new users, new desktops, new images …) and must
 * converge again. Every third case runs against a slow cloud, where what was ordered shows up only a
 * round or two later: the rounds in between must wait, never order again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/desired/index.js';
import { planWithState, type Plan } from '../../src/plan/index.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { foldJournal, type JournalEntry, type JsonObject, type StateSnapshot } from '../../src/state/index.js';
import { createWorkspaceClient, type WorkspaceClient } from '../../src/workspace/client.js';
import { readLive } from '../../src/apply/live.js';
import { checkPlan, desiredOf, doc, emptyState, type Doc } from './helpers.js';

const PROJECT = '0bec5db98280d2d02fd6c00c2de791ce';
const CASES = 30;
/** Create; then what needs ids from the first round (EIPs, pool growth past 100); then nothing (+1 to spare). */
const MAX_ROUNDS = 4;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, int, chance: (p: number) => next() < p, pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]! };
}
type Rng = ReturnType<typeof prng>;

const PRODUCTS = ['workspace.k.xlarge2.uosv20pro', 'workspace.x86.ultimate.large2'];
const IMAGES = ['e1d65e11-861c-459d-a3a8-ab150d79befc', '8a1e4c2f-3b5d-4e6f-9a0b-1c2d3e4f5a6b', 'a2d5a4d0-7c3e-4f1b-8d9a-0000000000bb'];
const SUBNETS = ['197c1aa4-2611-48bd-a3af-ac4ce2c17c4c', '2a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', '3b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e'];

interface Model {
  groups: { profile?: string; config: JsonObject; names: string[]; assigned: boolean; rebuild: boolean }[];
  profiles: Doc[];
  pools: { name: string; size: number; config: JsonObject }[];
  internet?: { desktops: string[]; spec: JsonObject };
  bandwidths: { name: string; subnet: string; size: number }[];
  host?: { quantity: number; desktops: number };
  sharer?: { users: { user_id: string; user_name: string }[] };
}

function billing(rng: Rng): JsonObject | undefined {
  if (rng.chance(0.5)) return undefined;
  const year = rng.chance(0.5);
  return { period_type: year ? 'year' : 'month', period_num: rng.int(1, 3), is_auto_renew: rng.chance(0.5) };
}

function volumes(rng: Rng, n: number): JsonObject[] {
  return Array.from({ length: n }, () => ({ type: rng.pick(['SAS', 'SSD', 'GPSSD']), size: 10 * rng.int(1, 50) }));
}

/** A random valid desired state: a mix of kinds, profiles, billing and batch sizes (sometimes over 50). */
function randomModel(rng: Rng): Model {
  const profiles: Doc[] = [];
  if (rng.chance(0.5)) {
    profiles.push(doc('DesktopProfile', 'std', { desktop_type: 'DEDICATED', product_id: PRODUCTS[0]!, image_type: 'private', image_id: IMAGES[0]!, root_volume: { type: 'SAS', size: 80 }, nics: [{ subnet_id: SUBNETS[0]! }] }));
  }
  const groups: Model['groups'] = [];
  const groupCount = rng.int(1, 4);
  for (let g = 0; g < groupCount; g++) {
    const size = rng.chance(0.2) ? rng.int(51, 64) : rng.int(1, 6);
    const useProfile = profiles.length > 0 && rng.chance(0.5);
    const config: JsonObject = useProfile
      ? {}
      : {
          desktop_type: 'DEDICATED',
          product_id: rng.pick(PRODUCTS),
          image_type: 'private',
          image_id: rng.pick(IMAGES),
          root_volume: { type: rng.pick(['SAS', 'SSD']), size: 10 * rng.int(8, 20) },
          nics: [{ subnet_id: rng.pick(SUBNETS) }],
        };
    const data = rng.int(0, 2);
    if (data > 0) config['data_volumes'] = volumes(rng, data);
    if (rng.chance(0.5)) config['tags'] = [{ key: 'team', value: `team-${g}` }];
    const b = billing(rng);
    if (b) config['billing'] = b;
    groups.push({
      ...(useProfile ? { profile: 'std' } : {}),
      config,
      names: Array.from({ length: size }, (_, i) => `g${g}-d${String(i).padStart(3, '0')}`),
      assigned: rng.chance(0.85),
      rebuild: rng.chance(0.3),
    });
  }
  const pools = Array.from({ length: rng.int(0, 3) }, (_, i) => ({
    name: `pool-${i}`,
    size: rng.chance(0.3) ? rng.int(101, 180) : rng.int(1, 60),
    config: { type: rng.pick(['DYNAMIC', 'STATIC']), product_id: PRODUCTS[1]!, image_type: 'gold', image_id: IMAGES[1]!, root_volume: { type: 'SSD', size: 100 }, subnet_ids: [rng.pick(SUBNETS)], ...(rng.chance(0.5) ? { billing: { period_type: 'year', period_num: 1 } } : {}) },
  }));
  const all = groups.flatMap((g) => g.names);
  const model: Model = { groups, profiles, pools, bandwidths: [] };
  if (rng.chance(0.6)) {
    const chosen = new Set<string>();
    const n = rng.int(1, Math.min(5, all.length));
    while (chosen.size < n) chosen.add(rng.pick(all));
    model.internet = { desktops: [...chosen], spec: { eip_type: rng.pick(['5_bgp', '5_sbgp']), eip_charge_mode: rng.pick(['TRAFFIC', 'BANDWIDTH']), bandwidth_size: rng.int(1, 100) } };
  }
  const subnets = [...SUBNETS];
  for (let i = rng.int(0, 2); i > 0; i--) model.bandwidths.push({ name: `bw-${i}`, subnet: subnets.splice(rng.int(0, subnets.length - 1), 1)[0]!, size: rng.int(1, 500) });
  if (rng.chance(0.4)) model.host = { quantity: rng.int(1, 3), desktops: rng.int(0, 50) };
  if (rng.chance(0.5)) model.sharer = { users: Array.from({ length: rng.int(1, 4) }, (_, i) => ({ user_id: `u-${i}`, user_name: `user${i}` })) };
  return model;
}

/** Random changes the order API can express, applied to a converged model. */
function mutate(rng: Rng, model: Model): Model {
  const next: Model = structuredClone(model);
  for (const g of next.groups) {
    if (g.rebuild && rng.chance(0.5)) g.config['image_id'] = rng.pick(IMAGES.filter((i) => i !== g.config['image_id']));
    else if (rng.chance(0.4)) g.config['data_volumes'] = [...((g.config['data_volumes'] ?? []) as JsonObject[]), ...volumes(rng, rng.int(1, 2))];
  }
  if (rng.chance(0.5)) {
    const g = rng.pick(next.groups);
    g.names.push(...Array.from({ length: rng.int(1, 3) }, (_, i) => `g${next.groups.indexOf(g)}-n${i}`));
  }
  for (const p of next.pools) if (rng.chance(0.5)) p.size += rng.int(1, 120);
  if (next.internet) {
    const missing = next.groups.flatMap((g) => g.names).filter((n) => !next.internet!.desktops.includes(n));
    if (missing.length > 0) next.internet.desktops.splice(rng.int(0, next.internet.desktops.length), 0, rng.pick(missing));
  }
  if (next.host) next.host.desktops = rng.int(0, 80);
  if (next.sharer) next.sharer.users.push({ user_id: 'u-new', user_name: 'newcomer' });
  return next;
}

function docsOf(model: Model): Doc[] {
  const docs: Doc[] = [...model.profiles];
  for (const g of model.groups) {
    for (const name of g.names) {
      const spec: JsonObject = { ...(g.profile ? { profile: g.profile } : {}), ...structuredClone(g.config) };
      if (g.assigned) spec['user'] = { user_name: name.replace(/-/g, '_'), user_group: 'sudo' };
      // Image changes rebuild the system disk: only where the resource allows it.
      docs.push(doc('Desktop', name, spec, g.rebuild ? { annotations: { 'workspace-gitops/allow-rebuild': 'true' } } : {}));
    }
  }
  for (const p of model.pools) docs.push(doc('DesktopPool', p.name, { ...p.config, size: p.size }));
  if (model.internet) docs.push(doc('DesktopInternet', 'eips', { desktops: model.internet.desktops, ...model.internet.spec }));
  for (const b of model.bandwidths) docs.push(doc('SubnetBandwidth', b.name, { subnet_id: b.subnet, bandwidth_size: b.size }));
  if (model.host) {
    docs.push(
      doc('ExclusiveHost', 'hosts', {
        availability_zone: 'cn-north-4a',
        quantity: model.host.quantity,
        apply_desktop_quantity: model.host.desktops,
        product_id: 'workspace.dedicated.host.c6',
        image_volumes: [{ type: 'SAS', size: 80 }],
        memory_volumes: [{ type: 'SAS', size: 100 }],
        vpc_id: 'vpc-1',
        subnet_id: SUBNETS[0]!,
      }),
    );
  }
  if (model.sharer) docs.push(doc('UserSharer', 'collab', { user_sharer_sku: 'workspace.usersharer.standard', users: model.sharer.users }));
  return docs;
}

let clock = Date.parse('2026-03-01T08:00:00.000Z');
const now = () => new Date(clock);
/** Each round is a minute apart; a slow cloud shows what was ordered a round or two later. */
const ROUND_MS = 60_000;

interface Cloud {
  sim: RunningSimulator['simulator'];
  client: WorkspaceClient;
  /** Rounds allowed to converge: a slow cloud needs more. */
  maxRounds: number;
}

const clouds: RunningSimulator[] = [];
const clients: WorkspaceClient[] = [];
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const r of clouds) await r.close();
});

/** A simulator with auto-pay orders provisioned at once, or (slow) 90 s after they are paid. */
async function cloudFor(slow: boolean): Promise<Cloud> {
  const running = await startSimulator({ projectId: PROJECT, provisionDelayMs: slow ? 1.5 * ROUND_MS : 0, now });
  const client = createWorkspaceClient({ endpoint: running.url, bssEndpoint: running.url, projectId: PROJECT, now });
  clouds.push(running);
  clients.push(client);
  return { sim: running.simulator, client, maxRounds: slow ? 2 * MAX_ROUNDS : MAX_ROUNDS };
}

/** The last order of every resource still waiting: what the refresh asks BSS about (as plan-run does). */
interface Placed {
  type: string;
  address: string;
  specHash: string;
  orderId: string;
}

/** Nothing to create, update or block, no drift, and nothing still on its way. */
const settled = (p: Plan, state: StateSnapshot) => p.summary.create + p.summary.update + p.summary.blocked + p.summary.drift === 0 && Object.values(state.resources).every((r) => r.status === 'active');

/** plan → place every order through the journal's entries → fold → refresh, until nothing is left to do. */
async function converge(cloud: Cloud, desired: DesiredState, start: StateSnapshot, placed: Placed[]): Promise<{ state: StateSnapshot; rounds: number; last: Plan }> {
  let state = start;
  for (let round = 1; round <= cloud.maxRounds; round++) {
    const live = await readLive(cloud.client, state.resources, now());
    const { plan, records } = planWithState({ desired, recorded: state, live, now: now() });
    checkPlan(plan);
    // What the refresh learned is written back, as plan/apply do under the lock.
    state = { ...state, resources: records };
    if (settled(plan, state)) return { state, rounds: round, last: plan };
    const entries: JournalEntry[] = [];
    for (const order of plan.orders) {
      entries.push({ kind: 'intent', id: order.id, type: order.type, addresses: order.addresses, body: order.body, targets: order.targets, at: now().toISOString() });
      const { order_id } = await cloud.client.placeOrder(order.body);
      entries.push({ kind: 'outcome', intent_id: order.id, result: 'placed', order_id, at: now().toISOString() });
      for (const address of order.addresses) placed.push({ type: order.type, address, specHash: order.targets[address]!.spec_hash, orderId: order_id });
    }
    state = { ...foldJournal(state, entries, now()), lineage: state.lineage || 'convergence', serial: state.serial + 1 };
    clock += ROUND_MS;
  }
  throw new Error(`no convergence after ${cloud.maxRounds} rounds`);
}

/** What the simulated cloud holds matches the desired state, each resource exactly once. */
function expectCloudMatches({ sim }: Cloud, desired: DesiredState): void {
  const desktops = desired.resources.filter((r) => r.kind === 'Desktop');
  expect(sim.desktops().map((d) => d.computer_name).sort()).toEqual(desktops.map((r) => r.spec['computer_name'] as string).sort());
  for (const r of desktops) {
    const d = sim.desktops().find((x) => x.computer_name === r.spec['computer_name'])!;
    expect(d.metadata?.['metering.image_id']).toBe(r.spec['image_id']);
    expect((d.data_volumes ?? []).map((v) => ({ type: v.type, size: v.size }))).toEqual(r.spec['data_volumes'] ?? []);
  }
  const pools = desired.resources.filter((r) => r.kind === 'DesktopPool');
  expect(sim.pools().map((p) => [p.name, p.desktop_count]).sort()).toEqual(pools.map((r) => [r.name, r.spec['size']]).sort());
  const internet = desired.resources.find((r) => r.kind === 'DesktopInternet');
  expect(sim.eips().map((e) => e.attached_desktop_name).sort()).toEqual(((internet?.spec['desktops'] ?? []) as string[]).slice().sort());
  const sharer = desired.resources.find((r) => r.kind === 'UserSharer');
  expect(sim.userSharers().map((u) => u.user_id).sort()).toEqual(((sharer?.spec['users'] ?? []) as { user_id: string }[]).map((u) => u.user_id).sort());
  expect(sim.bandwidths().map((b) => b.subnet_id).sort()).toEqual(desired.resources.filter((r) => r.kind === 'SubnetBandwidth').map((r) => r.spec['subnet_id']).sort());
  const host = desired.resources.find((r) => r.kind === 'ExclusiveHost');
  expect(sim.hosts().length).toBe((host?.spec['quantity'] as number | undefined) ?? 0);
  for (const h of sim.hosts()) expect(h.desktop_quantity).toBe(host?.spec['apply_desktop_quantity']);
}

const duplicates = (items: readonly string[]) => items.filter((x, i) => items.indexOf(x) !== i);

function expectNothingOrderedTwice({ sim }: Cloud, placed: readonly Placed[]): void {
  // Every order POST was accepted: the strict simulator found nothing wrong with a planned body.
  expect(sim.requests().filter((r) => r.outcome !== 'accepted')).toEqual([]);
  // The simulator holds exactly the orders placed, and no address got the same change twice.
  expect(sim.orders().map((o) => o.order_id)).toEqual([...new Set(placed.map((p) => p.orderId))]);
  expect(duplicates(placed.map((p) => `${p.type} ${p.address} ${p.specHash}`))).toEqual([]);
  // Counted in what the simulator received: every desktop, pool and bandwidth created by one order only.
  const created = sim.orders().flatMap((o) => {
    const r = o.body.resources[0]!;
    if (r.create_desktops) return r.create_desktops.desktops?.map((d) => `desktop ${d.computer_name ?? ''}`) ?? [`desktop ${r.create_desktops.desktop_name ?? ''}`];
    if (r.create_desktop_pool) return [`pool ${r.create_desktop_pool.name}`];
    if (r.apply_subnet_bandwidth) return [`bandwidth ${r.apply_subnet_bandwidth.subnet_id}`];
    if (r.create_exclusive_hosts) return [`hosts ${r.create_exclusive_hosts.name ?? ''}`];
    return [];
  });
  expect(duplicates(created)).toEqual([]);
}

describe('convergence on the simulator', () => {
  for (let seed = 1; seed <= CASES; seed++) {
    // Every third case runs against a slow cloud: resources show up a round or two after their order.
    const slow = seed % 3 === 0;
    it(`seed ${seed}${slow ? ' (slow cloud)' : ''}: random desired state converges, then converges again after random changes`, async () => {
      const cloud = await cloudFor(slow);
      const rng = prng(seed);
      const model = randomModel(rng);
      const placed: Placed[] = [];

      const desired = desiredOf({ 'all.yaml': docsOf(model) });
      const first = await converge(cloud, desired, emptyState(), placed);
      if (!slow) expect(first.rounds).toBeLessThanOrEqual(3);
      expect(first.last.summary.no_op).toBe(desired.resources.length);
      expect(first.last.drift).toEqual([]);
      expectCloudMatches(cloud, desired);

      const changed = desiredOf({ 'all.yaml': docsOf(mutate(rng, model)) });
      const second = await converge(cloud, changed, first.state, placed);
      expect(second.last.summary.no_op).toBe(changed.resources.length);
      expect(second.last.drift).toEqual([]);
      expectCloudMatches(cloud, changed);

      expectNothingOrderedTwice(cloud, placed);
    });
  }
});
