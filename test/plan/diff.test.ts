/** The field-level diff people read in a plan: lists keyed by what names their members, values shown as written. */
import { describe, expect, it } from 'vitest';
import { fieldDiff } from '../../src/plan/index.js';
import type { JsonObject } from '../../src/state/index.js';

const base: JsonObject = {
  product_id: 'workspace.k.xlarge2.uosv20pro',
  root_volume: { type: 'SAS', size: 80 },
  data_volumes: [{ type: 'SAS', size: 100 }],
  tags: [
    { key: 'team', value: 'platform' },
    { key: 'cost-center', value: 'cc-1001' },
  ],
};

describe('fieldDiff', () => {
  it('is empty for equal specs, whatever their key order', () => {
    expect(fieldDiff(base, { tags: base['tags']!, data_volumes: base['data_volumes']!, root_volume: { size: 80, type: 'SAS' }, product_id: base['product_id']! })).toEqual([]);
  });

  it('names a nested scalar change by its dotted path', () => {
    expect(fieldDiff(base, { ...base, root_volume: { type: 'SAS', size: 120 } })).toEqual([{ path: 'root_volume.size', op: 'change', before: 80, after: 120 }]);
  });

  it('keys tags by key, showing their values: a value change, an insertion at the front and a removal each name one tag', () => {
    const after = { ...base, tags: [{ key: 'owner', value: 'alice' }, { key: 'team', value: 'infra' }] };
    expect(fieldDiff(base, after)).toEqual([
      { path: 'tags.cost-center', op: 'remove', before: 'cc-1001' },
      { path: 'tags.owner', op: 'add', after: 'alice' },
      { path: 'tags.team', op: 'change', before: 'platform', after: 'infra' },
    ]);
  });

  it('keys users by user_id and shows an added member whole', () => {
    const alice = { user_id: 'u-1', user_name: 'alice' };
    const bob = { user_id: 'u-2', user_name: 'bob' };
    expect(fieldDiff({ users: [alice] }, { users: [bob, alice] })).toEqual([{ path: 'users.u-2', op: 'add', after: bob }]);
    expect(fieldDiff({ users: [alice] }, { users: [{ user_id: 'u-1', user_name: 'alicia' }] })).toEqual([{ path: 'users.u-1.user_name', op: 'change', before: 'alice', after: 'alicia' }]);
  });

  it('treats a list of names as a set: a reorder is no difference, an addition names the member', () => {
    expect(fieldDiff({ desktops: ['a', 'b'] }, { desktops: ['b', 'a'] })).toEqual([]);
    expect(fieldDiff({ desktops: ['a', 'b'] }, { desktops: ['c', 'a', 'b'] })).toEqual([{ path: 'desktops.c', op: 'add', after: true }]);
  });

  it('keys volumes by position, since their order is the attachment order', () => {
    expect(fieldDiff(base, { ...base, data_volumes: [{ type: 'SAS', size: 100 }, { type: 'SSD', size: 50 }] })).toEqual([{ path: 'data_volumes.1', op: 'add', after: { type: 'SSD', size: 50 } }]);
  });

  it('shows a whole list added or removed as the list written in the spec', () => {
    const { data_volumes: _dropped, ...without } = base;
    expect(fieldDiff(without, base)).toEqual([{ path: 'data_volumes', op: 'add', after: [{ type: 'SAS', size: 100 }] }]);
    expect(fieldDiff(base, without)).toEqual([{ path: 'data_volumes', op: 'remove', before: [{ type: 'SAS', size: 100 }] }]);
  });

  it('compares against nothing when a side is missing', () => {
    expect(fieldDiff(undefined, { size: 3 })).toEqual([{ path: 'size', op: 'add', after: 3 }]);
  });

  it('is sorted by path', () => {
    const paths = fieldDiff(base, { ...base, product_id: 'p2', root_volume: { type: 'SSD', size: 90 }, billing: { period_type: 'year' } }).map((d) => d.path);
    expect(paths).toEqual(['billing', 'product_id', 'root_volume.size', 'root_volume.type']);
  });

  it('diffs 5,000 tags by key: one insertion at the front and one change in the middle are exactly two entries', () => {
    const tags = Array.from({ length: 5000 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    const after = [{ key: 'new', value: 'n' }, ...tags.map((t, i) => (i === 2500 ? { key: t.key, value: 'changed' } : t))];
    expect(fieldDiff({ tags }, { tags: after })).toEqual([
      { path: 'tags.k2500', op: 'change', before: 'v2500', after: 'changed' },
      { path: 'tags.new', op: 'add', after: 'n' },
    ]);
  });

  it('diffs 5,000 positional volumes without aligning them: a removal at the front shifts every position', () => {
    const volumes = Array.from({ length: 5000 }, (_, i) => ({ type: 'SAS', size: 10 * (i + 1) }));
    const diff = fieldDiff({ data_volumes: volumes }, { data_volumes: volumes.slice(1) });
    // Positions, not an alignment: each size moves one slot and the last slot goes.
    expect(diff).toHaveLength(5000);
    expect(diff.find((d) => d.path === 'data_volumes.0.size')).toEqual({ path: 'data_volumes.0.size', op: 'change', before: 10, after: 20 });
    expect(diff.find((d) => d.path === 'data_volumes.4999')).toEqual({ path: 'data_volumes.4999', op: 'remove', before: { type: 'SAS', size: 50000 } });
  });
});
