/** The loader as a whole: many documents and files, ordering, profiles, normalization, digest, cache. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesiredState, loadDesiredState, ParseCache } from '../../src/desired/index.js';
import type { SourceFile } from '../../src/source/index.js';
import { at, bandwidth, cleanTempDirsAfterAll, desktop, docs, errors, head, host, internet, load, loadOptions, pool, profile, sharer, tempRepo, text, writeFiles } from './helpers.js';

cleanTempDirsAfterAll();

const LINUX = profile([
  '  desktop_type: DEDICATED',
  '  product_id: workspace.k.xlarge2.uosv20pro',
  '  image_type: private',
  '  image_id: e1d65e11-861c-459d-a3a8-ab150d79befc',
  '  root_volume: {type: SAS, size: 80}',
  '  nics: [{subnet_id: 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c}]',
  '  subnet_ids: [197c1aa4-2611-48bd-a3af-ac4ce2c17c4c]',
  '  type: DYNAMIC',
  '  billing: {period_type: year, period_num: 2, is_auto_renew: false}',
]);

/** A pool that takes its root_volume from the profile. */
function poolWithoutRootVolume(name: string): string {
  return text(...head('DesktopPool', name), '  profile: linux-standard', '  type: DYNAMIC', '  size: 10', '  product_id: p1', '  image_type: gold', '  image_id: i1', '  subnet_ids: [s1]');
}

function user(name: string): string[] {
  return ['  profile: linux-standard', `  user: {user_name: ${name}, user_group: sudo}`];
}

describe('reading many documents', () => {
  it('loads several documents per file, each with the position where it starts', async () => {
    const result = await load({ 'team.yaml': `# the platform team\n${docs(LINUX, text(...head('Desktop', 'bob-dev'), ...user('bob')), text(...head('Desktop', 'alice-dev'), ...user('alice')))}` });
    expect(result.diagnostics).toEqual([]);
    const state = result.state!;
    expect(state.resources.map((r) => r.address)).toEqual(['Desktop/alice-dev', 'Desktop/bob-dev']);
    // The profile has 14 lines after the comment line; bob-dev is the second document, after "---" on line 16.
    expect(state.byAddress.get('Desktop/bob-dev')!.source).toEqual({ file: 'team.yaml', line: 17, column: 1, document: 1 });
    expect(state.byAddress.get('Desktop/alice-dev')!.source).toEqual({ file: 'team.yaml', line: 25, column: 1, document: 2 });
    expect(state.profiles.get('linux-standard')!.source).toEqual({ file: 'team.yaml', line: 2, column: 1, document: 0 });
    expect(state.files).toEqual(['team.yaml']);
  });

  it('reads *.yaml and *.yml in nested folders, in path order, and nothing else', async () => {
    const result = await load({
      'teams/b.yml': desktop([], 'b-desk'),
      'teams/a.YAML': desktop([], 'a-desk'),
      'README.md': '# not desired state\n',
      '.hidden/x.yaml': 'not: [valid',
      '.draft.yaml': 'not: [valid',
      'notes.txt': 'kind: Desktop',
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.state!.files).toEqual(['teams/a.YAML', 'teams/b.yml']);
  });

  it('orders resources by kind (dependencies first) then name, whatever the files and their order', async () => {
    const all = [desktop([], 'zed'), internet(['  desktops: [zed]'], 'net'), desktop([], 'amy'), pool(), bandwidth(), host(), sharer()];
    const oneFile = await load({ 'all.yaml': docs(...all) });
    const reversed = await load(Object.fromEntries([...all].reverse().map((d, i) => [`f${i}.yaml`, d])));
    const expected = [
      'SubnetBandwidth/office-bandwidth',
      'ExclusiveHost/callcentre-hosts',
      'DesktopPool/training',
      'Desktop/amy',
      'Desktop/zed',
      'DesktopInternet/net',
      'UserSharer/collaboration',
    ];
    expect(oneFile.state!.resources.map((r) => r.address)).toEqual(expected);
    expect(reversed.state!.resources.map((r) => r.address)).toEqual(expected);
    expect(reversed.state!.digest).toBe(oneFile.state!.digest);
  });

  it('collects errors from every file and every document, sorted by file and position', async () => {
    const result = await load({
      'b.yaml': docs(desktop(['  desktop_type: LAPTOP']), pool(['  size: 0'])),
      'a.yaml': bandwidth(['  bandwidth_size: 0']),
      'c.yaml': 'kind: [oops\n',
    });
    expect(result.diagnostics.map(at)).toEqual([
      'bandwidth-size a.yaml:6:19',
      'desktop-type b.yaml:6:17',
      // The pool is the second document: 10 desktop lines, "---", so its line 6 is line 17.
      'pool-size b.yaml:17:9',
      'yaml-syntax c.yaml:2:1',
    ]);
    expect(result.state).toBeUndefined();
  });

  it('reports every missing field of a mapping, not only the first', async () => {
    const result = await load({ 'd.yaml': text(...head('Desktop', 'alice-dev'), '  desktop_type: DEDICATED') });
    expect(result.diagnostics.map((d) => `${at(d)} ${d.message}`)).toEqual([
      'required-field d.yaml:6:3 product_id is required',
      'required-field d.yaml:6:3 image_type is required',
      'required-field d.yaml:6:3 image_id is required',
      'required-field d.yaml:6:3 root_volume is required',
    ]);
  });

  it('does not call a declared but invalid Desktop unknown in a DesktopInternet', async () => {
    const result = await load({ 'd.yaml': desktop(['  desktop_type: LAPTOP']), 'i.yaml': internet() });
    expect(result.diagnostics.map(at)).toEqual(['desktop-type d.yaml:6:17']);
  });

  it('formats a diagnostic as file:line:column: rule: message (allowed: …)', async () => {
    const { formatDiagnostic } = await import('../../src/diagnostics.js');
    const result = await load({ 'd.yaml': desktop(['  root_volume: {type: SAS, size: 85}']) });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(['d.yaml:6:34: root-volume-size: 85 is not a multiple of 10 (allowed: 80-32760 GB in multiples of 10)']);
  });

  it('loads an empty folder as an empty, valid desired state', async () => {
    const result = await load({});
    expect(result.diagnostics).toEqual([]);
    expect(result.state!.resources).toEqual([]);
  });

  it('builds from files already in memory (a git revision), positions and all', () => {
    const files: SourceFile[] = [{ file: 'desired-state/d.yaml', absolutePath: '/nowhere/d.yaml', text: desktop(['  desktop_type: LAPTOP']) }];
    const result = buildDesiredState(files, loadOptions('/nowhere'));
    expect(result.diagnostics.map(at)).toEqual(['desktop-type desired-state/d.yaml:6:17']);
  });
});

describe('profiles', () => {
  it('fills what the resource leaves out; the resource wins field by field, billing merged key by key', async () => {
    const result = await load({
      'p.yaml': LINUX,
      'd.yaml': desktop(['  profile: linux-standard', '  root_volume: {type: SSD, size: 120}', '  billing: {period_num: 1}']),
    });
    expect(result.diagnostics).toEqual([]);
    const alice = result.state!.byAddress.get('Desktop/alice-dev')!;
    // A resource's root_volume replaces the profile's whole object, not only the keys it states.
    expect(alice.spec['root_volume']).toEqual({ type: 'SSD', size: 120 });
    expect(alice.spec['nics']).toEqual([{ subnet_id: '197c1aa4-2611-48bd-a3af-ac4ce2c17c4c' }]);
    expect(alice.spec['billing']).toEqual({ period_type: 'year', period_num: 1, is_auto_renew: false });
    expect(alice.profile).toBe('linux-standard');
    expect([...alice.fromProfile!].sort()).toEqual(['nics']);
  });

  it('gives each kind only the fields it takes, so one profile serves desktops and pools', async () => {
    const result = await load({
      'p.yaml': LINUX,
      'd.yaml': desktop(['  profile: linux-standard']),
      'pool.yaml': text(...head('DesktopPool', 'training'), '  profile: linux-standard', '  size: 20'),
    });
    expect(result.diagnostics).toEqual([]);
    const desk = result.state!.byAddress.get('Desktop/alice-dev')!;
    const pl = result.state!.byAddress.get('DesktopPool/training')!;
    expect(desk.spec).not.toHaveProperty('subnet_ids');
    expect(desk.spec).not.toHaveProperty('type');
    expect(pl.spec).not.toHaveProperty('nics');
    expect(pl.spec).not.toHaveProperty('desktop_type');
    expect(pl.spec['subnet_ids']).toEqual(['197c1aa4-2611-48bd-a3af-ac4ce2c17c4c']);
    expect(pl.spec['type']).toBe('DYNAMIC');
  });

  it("reports a profile's error once, at the profile's line, however many resources use it", async () => {
    const result = await load({
      'p.yaml': profile(['  root_volume: {type: SAS, size: 81}']),
      'd.yaml': docs(desktop(['  profile: linux-standard'], 'a1'), desktop(['  profile: linux-standard'], 'a2'), desktop(['  profile: linux-standard'], 'a3')),
    });
    // "  root_volume: {type: SAS, size: 81}": the size at column 34.
    expect(result.diagnostics.map(at)).toEqual(['root-volume-size p.yaml:6:34']);
  });

  it('reports a profile value a pool cannot take at the profile, once, naming where it was applied', async () => {
    const result = await load({
      'p.yaml': profile(['  root_volume: {type: GPSSD, size: 80}']),
      'pools.yaml': docs(poolWithoutRootVolume('pool-a'), poolWithoutRootVolume('pool-b')),
    });
    // Fine for desktops (so the profile itself is valid), not for pools (SAS or SSD only);
    // "  root_volume: {type: GPSSD": the type at column 23.
    expect(result.diagnostics.map(at)).toEqual(['volume-type p.yaml:6:23']);
    expect(result.diagnostics[0]!.message).toBe('"GPSSD" is not allowed (applied from DesktopProfile/linux-standard to DesktopPool/pool-a)');
  });

  it("points a merged rule (duplicate tag keys) at the profile when the tags came from it", async () => {
    const result = await load({
      'p.yaml': profile(['  tags: [{key: team}, {key: team}]']),
      'd.yaml': docs(desktop(['  profile: linux-standard'], 'a1'), desktop(['  profile: linux-standard'], 'a2')),
    });
    // "  tags: [{key: team}, {key: team}]": the second key's value at column 29.
    expect(result.diagnostics.map(at)).toEqual(['tag-key-unique p.yaml:6:29']);
  });

  it('warns about an unused profile without making the state invalid', async () => {
    const result = await load({ 'p.yaml': LINUX, 'd.yaml': desktop() });
    expect(result.diagnostics.map((d) => `${d.severity} ${at(d)}`)).toEqual(['warning unused-profile p.yaml:4:9']);
    expect(result.state!.resources).toHaveLength(1);
  });
});

describe('normalization', () => {
  it('makes every default explicit and drops what is not part of the spec', async () => {
    const result = await load(
      {
        'p.yaml': LINUX,
        'd.yaml': docs(
          desktop(['  profile: linux-standard'], 'alice-dev'),
          desktop(['  computer_name: BOB-PC', '  enterprise_project_id: 0d7e9a24-1c1f-4b8a-9a2e-3c6f0f5b2a11', '  billing: {period_type: month, period_num: 3, is_auto_pay: true}'], 'bob-dev'),
        ),
        'other.yaml': docs(bandwidth(), host(), internet(), sharer(), pool()),
      },
      { enterpriseProjectId: '5a7f0c36-8f0e-4a8e-9d8f-0b8c7e6d5a41', billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: false } },
    );
    expect(errors(result)).toEqual([]);
    const get = (a: string) => result.state!.byAddress.get(a)!;
    const alice = get('Desktop/alice-dev');
    expect(alice.spec['computer_name']).toBe('alice-dev');
    expect(alice.spec['enterprise_project_id']).toBe('5a7f0c36-8f0e-4a8e-9d8f-0b8c7e6d5a41');
    // The profile's billing over the config's defaults; is_auto_pay is a payment instruction, not spec.
    expect(alice.spec['billing']).toEqual({ period_type: 'year', period_num: 2, is_auto_renew: false });
    expect(alice.spec).not.toHaveProperty('profile');
    expect(alice.autoPay).toBe(false);

    const bob = get('Desktop/bob-dev');
    expect(bob.spec['computer_name']).toBe('BOB-PC');
    expect(bob.spec['enterprise_project_id']).toBe('0d7e9a24-1c1f-4b8a-9a2e-3c6f0f5b2a11');
    expect(bob.spec['billing']).toEqual({ period_type: 'month', period_num: 3, is_auto_renew: true });
    expect(bob.autoPay).toBe(true);

    expect(get('SubnetBandwidth/office-bandwidth').spec).toMatchObject({ bandwidth_name: 'office-bandwidth', charge_mode: 'wks_bandwidth' });
    expect(get('ExclusiveHost/callcentre-hosts').spec['name']).toBe('callcentre-hosts');
    for (const r of result.state!.resources) {
      expect(r.spec['billing'], r.address).toBeDefined();
      expect(r.spec['enterprise_project_id'], r.address).toBeDefined();
    }
  });

  it('takes is_auto_pay from the config unless the resource says otherwise', async () => {
    const result = await load(
      { 'd.yaml': docs(desktop([], 'a1'), desktop(['  billing: {is_auto_pay: false}'], 'a2')) },
      { billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: true } },
    );
    expect(result.state!.resources.map((r) => [r.name, r.autoPay])).toEqual([
      ['a1', true],
      ['a2', false],
    ]);
  });

  it('keeps labels and annotations beside the spec', async () => {
    const result = await load({ 'd.yaml': desktop().replace('  name: alice-dev\n', '  name: alice-dev\n  labels: {team: platform}\n  annotations: {owner: "alice@example.com"}\n') });
    const alice = result.state!.resources[0]!;
    expect(alice.labels).toEqual({ team: 'platform' });
    expect(alice.annotations).toEqual({ owner: 'alice@example.com' });
    expect(alice.spec).not.toHaveProperty('labels');
  });
});

describe('digest', () => {
  const block = text(
    '# alice',
    'apiVersion: workspace-gitops/v1',
    'kind: Desktop',
    'metadata:',
    '  name: alice-dev',
    'spec:',
    '  desktop_type: DEDICATED',
    '  product_id: workspace.k.xlarge2.uosv20pro',
    '  image_type: private',
    '  image_id: e1d65e11-861c-459d-a3a8-ab150d79befc',
    '  root_volume:',
    '    type: SAS',
    '    size: 80',
  );
  const flow = text(
    'kind: Desktop',
    'spec: {root_volume: {size: 80, type: SAS}, image_id: "e1d65e11-861c-459d-a3a8-ab150d79befc", image_type: private, product_id: workspace.k.xlarge2.uosv20pro, desktop_type: DEDICATED}',
    'metadata: {name: alice-dev}',
    'apiVersion: "workspace-gitops/v1"',
  );

  it('does not change when the YAML is reformatted, reordered or split differently', async () => {
    const a = await load({ 'a.yaml': docs(block, pool()) });
    const b = await load({ 'z.yaml': pool(), 'sub/b.yml': flow });
    expect(a.state!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.state!.digest).toBe(a.state!.digest);
  });

  it('changes with the spec and with the payment instruction', async () => {
    const base = (await load({ 'a.yaml': block })).state!.digest;
    const bigger = (await load({ 'a.yaml': block.replace('size: 80', 'size: 90') })).state!.digest;
    const autoPay = (await load({ 'a.yaml': block }, { billing: { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: true } })).state!.digest;
    expect(new Set([base, bigger, autoPay]).size).toBe(3);
  });

  it('changes with labels and annotations, which policies and the rebuild guard read', async () => {
    const base = (await load({ 'a.yaml': block })).state!.digest;
    const labelled = (await load({ 'a.yaml': block.replace('  name: alice-dev', '  name: alice-dev\n  labels: {tier: prod}') })).state!.digest;
    const annotated = (await load({ 'a.yaml': block.replace('  name: alice-dev', '  name: alice-dev\n  annotations: {workspace-gitops/allow-rebuild: "true"}') })).state!.digest;
    expect(new Set([base, labelled, annotated]).size).toBe(3);
  });
});

describe('ParseCache', () => {
  it('parses an unchanged file once and a changed file again', () => {
    const root = tempRepo({ 'a.yaml': desktop([], 'a1'), 'b.yaml': desktop([], 'b1') });
    const cache = new ParseCache();
    const read = (name: string): SourceFile => ({ file: name, absolutePath: path.join(root, name), text: readFileSync(path.join(root, name), 'utf8') });

    const first = cache.get(read('a.yaml'));
    // A new SourceFile object with the same text is a cache hit: the very same parsed values come back.
    expect(cache.get(read('a.yaml'))).toBe(first);
    writeFiles(root, { 'a.yaml': desktop(['  desktop_type: SHARED'], 'a1') });
    const changed = cache.get(read('a.yaml'));
    expect(changed).not.toBe(first);
    expect((changed.documents[0]!.value as { spec: { desktop_type: string } }).spec.desktop_type).toBe('SHARED');
  });

  it('serves the loader across runs and forgets files that are gone', async () => {
    const root = tempRepo({ 'a.yaml': desktop([], 'a1'), 'b.yaml': desktop([], 'b1') });
    const cache = new ParseCache();
    const options = loadOptions(root, { cache });
    const r1 = await loadDesiredState(root, options);
    const b = (name: string) => cache.get({ file: name, absolutePath: path.join(root, name), text: readFileSync(path.join(root, name), 'utf8') });
    const cachedB = b('b.yaml');
    writeFiles(root, { 'a.yaml': desktop(['  desktop_type: SHARED'], 'a1') });
    const r2 = await loadDesiredState(root, options);
    expect(r2.state!.byAddress.get('Desktop/a1')!.spec['desktop_type']).toBe('SHARED');
    expect(r2.state!.digest).not.toBe(r1.state!.digest);
    // b.yaml did not change: the second load reused its parse.
    expect(b('b.yaml')).toBe(cachedB);

    const { rmSync } = await import('node:fs');
    rmSync(path.join(root, 'b.yaml'));
    const r3 = await loadDesiredState(root, options);
    expect(r3.state!.resources.map((r) => r.name)).toEqual(['a1']);
    writeFiles(root, { 'b.yaml': desktop([], 'b1') });
    // Forgotten when it disappeared, so the same text is parsed afresh.
    expect(b('b.yaml')).not.toBe(cachedB);
  });
});

describe('schemas', () => {
  it('are built once per domain type, so ajv compiles each kind once per process', async () => {
    const { kindSchemas } = await import('../../src/desired/index.js');
    expect(kindSchemas('LOCAL_AD')).toBe(kindSchemas('LOCAL_AD'));
    expect(kindSchemas('LITE_AD')).not.toBe(kindSchemas('LOCAL_AD'));
  });
});
