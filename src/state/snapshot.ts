/**
 * The state file's text: a cheap structural check on read (the file can hold 10,000+ resources, so no
 * per-field schema pass) and a deterministic serialization on write.
 */
import { StateError } from '../errors.js';
import { canonicalJson } from './canonical.js';
import { STATE_FORMAT_VERSION, type ResourceStatus, type StateSnapshot } from './types.js';

const STATUSES: ReadonlySet<ResourceStatus> = new Set<ResourceStatus>(['ordered', 'active', 'failed', 'in-doubt']);

/** No state yet. The empty lineage means "not created": the first write assigns one. */
export function emptySnapshot(): StateSnapshot {
  return { format_version: STATE_FORMAT_VERSION, lineage: '', serial: 0, resources: {} };
}

export function isEmptySnapshot(snapshot: StateSnapshot): boolean {
  return snapshot.lineage === '' && snapshot.serial === 0;
}

/** Parse and check the state file's text. Never repairs anything: a bad file is the operator's to look at. */
export function parseSnapshot(text: string, file: string): StateSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw corrupt(file, `it is not valid JSON (${(err as Error).message})`, err);
  }
  if (!isObject(parsed)) throw corrupt(file, 'the top level is not a JSON object');
  // Checked before the shape: a newer format may have a shape this version does not know.
  const version = parsed['format_version'];
  if (typeof version === 'number' && version > STATE_FORMAT_VERSION) {
    throw new StateError(
      'STATE_NEWER_FORMAT',
      `state file ${file} has format_version ${version}, newer than ${STATE_FORMAT_VERSION}, the newest this version of workspace-gitops understands`,
      'upgrade workspace-gitops to read this state; it was written by a newer version',
    );
  }
  const problem = snapshotProblem(parsed);
  if (problem) throw corrupt(file, problem);
  return parsed as unknown as StateSnapshot;
}

/** What is structurally wrong with a snapshot, if anything. */
export function snapshotProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'it is not an object';
  const { format_version: version, lineage, serial, resources, updated_at: updatedAt } = value;
  if (!Number.isInteger(version) || (version as number) < 1) return 'format_version is not a positive integer';
  if (typeof lineage !== 'string') return 'lineage is not a string';
  if (!Number.isInteger(serial) || (serial as number) < 0) return 'serial is not a non-negative integer';
  if (updatedAt !== undefined && typeof updatedAt !== 'string') return 'updated_at is not a string';
  if (!isObject(resources)) return 'resources is not an object';
  for (const [address, record] of Object.entries(resources)) {
    const problem = recordProblem(address, record);
    if (problem) return `resources["${address}"]: ${problem}`;
  }
  return undefined;
}

function recordProblem(address: string, record: unknown): string | undefined {
  if (!isObject(record)) return 'is not an object';
  if (record['address'] !== address) return 'its address does not match its key';
  if (typeof record['kind'] !== 'string' || typeof record['name'] !== 'string') return 'kind or name is not a string';
  if (!STATUSES.has(record['status'] as ResourceStatus)) return `status ${JSON.stringify(record['status'])} is not one of ${[...STATUSES].join(', ')}`;
  const orderIds = record['order_ids'];
  if (!Array.isArray(orderIds) || !orderIds.every((id) => typeof id === 'string')) return 'order_ids is not a list of strings';
  if (record['spec'] !== undefined && !isObject(record['spec'])) return 'spec is not an object';
  if (typeof record['created_at'] !== 'string' || typeof record['updated_at'] !== 'string') return 'created_at or updated_at is not a string';
  return undefined;
}

/**
 * Fixed top-level key order, resources sorted by address, one resource per line in canonical JSON:
 * the same snapshot always gives the same bytes, a change to one resource is a one-line diff, and
 * 10,000 resources stay compact and fast to write.
 */
export function serializeSnapshot(snapshot: StateSnapshot): string {
  const head: Record<string, unknown> = {
    format_version: snapshot.format_version,
    lineage: snapshot.lineage,
    serial: snapshot.serial,
  };
  if (snapshot.updated_at !== undefined) head['updated_at'] = snapshot.updated_at;
  const lines = Object.keys(head).map((key) => ` ${JSON.stringify(key)}: ${JSON.stringify(head[key])},`);
  const addresses = Object.keys(snapshot.resources).sort();
  const resources = addresses.map((address, i) => {
    const comma = i < addresses.length - 1 ? ',' : '';
    return `  ${JSON.stringify(address)}: ${canonicalJson(snapshot.resources[address])}${comma}`;
  });
  const body = resources.length === 0 ? ' "resources": {}' : ` "resources": {\n${resources.join('\n')}\n }`;
  return `{\n${lines.join('\n')}\n${body}\n}\n`;
}

function corrupt(file: string, problem: string, cause?: unknown): StateError {
  return new StateError(
    'STATE_CORRUPT',
    `state file ${file} is corrupt: ${problem}`,
    'the file was left untouched; restore it from a backup or fix it by hand, then run again',
    cause,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
