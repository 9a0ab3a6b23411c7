/**
 * Order rules that depend on what already exists or was already ordered: names and subnets taken,
 * desktops and pools that must exist, limits that count what a desktop already has. Each breach is a
 * 400 with its own code and a message naming the request field. An order is checked as a whole: its
 * own earlier resources count as claimed for its later ones.
 *
 * Anything else is accepted, including an exact copy of an earlier order: the real API has no
 * idempotency key and places duplicates, which is precisely what the reconciler must never send.
 */
import { MAX_DATA_VOLUMES } from '../workspace/order-schema.js';
import type { PathSegment } from '../validation/problems.js';
import { ApiError, CODES, problemMessage } from './api-error.js';
import type { Effect } from './effects.js';
import type { Store } from './store.js';

function conflict(code: string, path: PathSegment[], rule: string, message: string, allowed: string): ApiError {
  return new ApiError(400, code, problemMessage({ path, rule, message, allowed }));
}

/** Claims made by the order under check, on top of the store's. */
interface Overlay {
  computerNames: Set<string>;
  poolNames: Set<string>;
  bandwidthSubnets: Set<string>;
  eipDesktops: Set<string>;
  hostNames: Set<string>;
  sharerUsers: Set<string>;
  dataVolumes: Map<string, number>;
}

type Claimed = 'computerNames' | 'poolNames' | 'bandwidthSubnets' | 'eipDesktops' | 'hostNames' | 'sharerUsers';

/** Claims `key` for the order under check, or answers `taken()` when an accepted order or this one holds it already. */
function claim(store: Store, mine: Overlay, kind: Claimed, key: string, taken: () => ApiError): ApiError | undefined {
  if (store.claims[kind].has(key) || mine[kind].has(key)) return taken();
  mine[kind].add(key);
  return undefined;
}

function check(e: Effect, store: Store, mine: Overlay): ApiError | undefined {
  const claims = store.claims;
  switch (e.kind) {
    case 'desktop': {
      const name = e.desktop.computer_name;
      const key = name.toLowerCase();
      return claim(store, mine, 'computerNames', key, () => conflict(CODES.computerNameInUse, e.path, 'computer-name-in-use', `computer_name "${name}" is already used by an existing or ordered desktop`, 'a desktop name no other desktop has (compared without case)'));
    }
    case 'add-volumes': {
      const d = store.desktops.get(e.desktop_id);
      if (!d) return desktopNotFound([...e.path, 'desktop_id'], e.desktop_id);
      const before = (d.data_volumes?.length ?? 0) + (claims.pendingDataVolumes.get(e.desktop_id) ?? 0) + (mine.dataVolumes.get(e.desktop_id) ?? 0);
      const after = before + e.volumes.length;
      if (after > MAX_DATA_VOLUMES) {
        return conflict(CODES.tooManyDataVolumes, [...e.path, 'volumes'], 'data-volume-count', `desktop ${e.desktop_id} has or has ordered ${before} data volumes; ${e.volumes.length} more makes ${after}`, `at most ${MAX_DATA_VOLUMES} data volumes per desktop`);
      }
      mine.dataVolumes.set(e.desktop_id, (mine.dataVolumes.get(e.desktop_id) ?? 0) + e.volumes.length);
      return undefined;
    }
    case 'rebuild': {
      const i = e.desktop_ids.findIndex((id) => !store.desktops.has(id));
      return i < 0 ? undefined : desktopNotFound([...e.path, i], e.desktop_ids[i]!);
    }
    case 'pool': {
      const name = e.pool.name;
      return claim(store, mine, 'poolNames', name, () => conflict(CODES.poolNameInUse, e.path, 'pool-name-in-use', `desktop pool name "${name}" is already used by an existing or ordered pool`, 'a pool name no other pool has'));
    }
    case 'expand-pool':
      if (store.pools.has(e.pool_id)) return undefined;
      return conflict(CODES.poolNotFound, e.path, 'pool-exists', `desktop pool ${e.pool_id} does not exist`, 'the id of an existing desktop pool');
    case 'bandwidth': {
      const subnet = e.bandwidth.subnet_id;
      return claim(store, mine, 'bandwidthSubnets', subnet, () => conflict(CODES.subnetHasBandwidth, e.path, 'subnet-bandwidth-exists', `subnet ${subnet} already has an existing or ordered Workspace bandwidth`, 'a subnet without a Workspace bandwidth'));
    }
    case 'eip': {
      const id = e.eip.attached_desktop_id;
      if (id === undefined) return undefined;
      if (!store.desktops.has(id)) return desktopNotFound(e.path, id);
      return claim(store, mine, 'eipDesktops', id, () => conflict(CODES.desktopHasEip, e.path, 'desktop-eip-exists', `desktop ${id} already has an existing or ordered EIP`, 'desktops without an EIP'));
    }
    case 'host': {
      const name = e.host.name;
      return claim(store, mine, 'hostNames', name, () => conflict(CODES.hostNameInUse, e.path, 'host-name-in-use', `exclusive host name "${name}" is already used by an existing or ordered host`, 'a host name no other host has'));
    }
    case 'resize-hosts':
      for (const h of store.hosts.values()) if (h.product_id === e.product_id) return undefined;
      return conflict(CODES.hostProductNotFound, e.path, 'exclusive-host-exists', `no exclusive host with product_id "${e.product_id}" exists`, 'the product_id of existing exclusive hosts');
    case 'sharer': {
      const user = e.sharer.user_id;
      return claim(store, mine, 'sharerUsers', user, () => conflict(CODES.userAlreadySharer, e.path, 'user-sharer-exists', `user ${user} is already subscribed to collaboration (or ordered)`, 'users not yet subscribed'));
    }
  }
}

function desktopNotFound(path: PathSegment[], id: string): ApiError {
  return conflict(CODES.desktopNotFound, path, 'desktop-exists', `desktop ${id} does not exist`, 'the id of an existing (provisioned) desktop');
}

/** The first business rule the order breaks, or undefined when it may be placed. */
export function firstConflict(effects: readonly Effect[], store: Store): ApiError | undefined {
  const mine: Overlay = {
    computerNames: new Set(),
    poolNames: new Set(),
    bandwidthSubnets: new Set(),
    eipDesktops: new Set(),
    hostNames: new Set(),
    sharerUsers: new Set(),
    dataVolumes: new Map(),
  };
  for (const e of effects) {
    const problem = check(e, store, mine);
    if (problem) return problem;
  }
  return undefined;
}
