/**
 * One failing document per rule: each asserts the exact rule and file:line:column a user would see.
 * Documents are built from lines (see helpers.ts): lines 1-5 are the envelope, the spec's own lines
 * start at line 6, so `6:17` below is "line 6, column 17" counted by hand in the line shown.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TSchema } from '@sinclair/typebox';
import { kindSchemas } from '../../src/desired/index.js';
import { at, bandwidth, cleanTempDirsAfterAll, desktop, docs, head, host, internet, load, pool, profile, sharer, text, type Entry } from './helpers.js';
import type { LoadOptions } from '../../src/desired/index.js';

cleanTempDirsAfterAll();

interface Case {
  rule: string;
  files: Record<string, Entry>;
  /** Every diagnostic expected, as `rule file:line:column`. */
  expected: string[];
  options?: Partial<LoadOptions>;
  /** What the message must say, when the wording matters to the user (hints, first location). */
  message?: RegExp;
}

const x = (n: number) => 'x'.repeat(n);
const tags = (n: number) => Array.from({ length: n }, (_, i) => `{key: k${i}}`).join(', ');
const tenVolumes = Array.from({ length: 11 }, () => '{type: SAS, size: 10}').join(', ');

/** The desktop every DesktopInternet case refers to. */
const ALICE = desktop();

const desktopCases: Case[] = [
  { rule: 'desktop-type', files: { 'd.yaml': desktop(['  desktop_type: LAPTOP']) }, expected: ['desktop-type d.yaml:6:17'] },
  { rule: 'product-id', files: { 'd.yaml': desktop(['  product_id: "has space"']) }, expected: ['product-id d.yaml:6:15'] },
  { rule: 'image-type', files: { 'd.yaml': desktop(['  image_type: public']) }, expected: ['image-type d.yaml:6:15'] },
  { rule: 'image-id', files: { 'd.yaml': desktop(['  image_id: ""']) }, expected: ['image-id d.yaml:6:13'] },
  // "    size: 85": the value starts at column 11.
  { rule: 'root-volume-size', files: { 'd.yaml': desktop(['  root_volume:', '    type: SAS', '    size: 85']) }, expected: ['root-volume-size d.yaml:8:11'], message: /not a multiple of 10/ },
  { rule: 'root-volume-size', files: { 'd.yaml': desktop(['  root_volume:', '    type: SAS', '    size: 70']) }, expected: ['root-volume-size d.yaml:8:11'], message: /below the minimum 80/ },
  { rule: 'volume-type', files: { 'd.yaml': desktop(['  root_volume:', '    type: HDD', '    size: 80']) }, expected: ['volume-type d.yaml:7:11'] },
  // "      size: 15" inside a sequence item: column 13.
  { rule: 'data-volume-size', files: { 'd.yaml': desktop(['  data_volumes:', '    - type: SAS', '      size: 15']) }, expected: ['data-volume-size d.yaml:8:13'] },
  { rule: 'data-volume-size', files: { 'd.yaml': desktop(['  data_volumes:', '    - type: SAS', '      size: 32770']) }, expected: ['data-volume-size d.yaml:8:13'], message: /above the maximum 32760/ },
  { rule: 'data-volume-count', files: { 'd.yaml': desktop([`  data_volumes: [${tenVolumes}]`]) }, expected: ['data-volume-count d.yaml:6:17'] },
  { rule: 'subnet-id', files: { 'd.yaml': desktop(['  nics:', '    - subnet_id: "a b"']) }, expected: ['subnet-id d.yaml:7:18'] },
  { rule: 'security-group-id', files: { 'd.yaml': desktop(['  security_groups:', '    - id: ""']) }, expected: ['security-group-id d.yaml:7:11'] },
  { rule: 'enterprise-project-id', files: { 'd.yaml': desktop(['  enterprise_project_id: "abc"']) }, expected: ['enterprise-project-id d.yaml:6:26'] },
  { rule: 'tag-key', files: { 'd.yaml': desktop(['  tags:', '    - key: "a=b"', '      value: x']) }, expected: ['tag-key d.yaml:7:12'] },
  { rule: 'tag-key', files: { 'd.yaml': desktop(['  tags:', `    - key: ${x(129)}`]) }, expected: ['tag-key d.yaml:7:12'] },
  { rule: 'tag-value', files: { 'd.yaml': desktop(['  tags:', '    - key: team', '      value: "a/b"']) }, expected: ['tag-value d.yaml:8:14'] },
  { rule: 'tag-value', files: { 'd.yaml': desktop(['  tags:', '    - key: team', `      value: ${x(44)}`]) }, expected: ['tag-value d.yaml:8:14'] },
  { rule: 'tag-count', files: { 'd.yaml': desktop([`  tags: [${tags(21)}]`]) }, expected: ['tag-count d.yaml:6:9'] },
  // The second "team" key: "    - {key: team" puts it at column 13.
  { rule: 'tag-key-unique', files: { 'd.yaml': desktop(['  tags:', '    - {key: team, value: a}', '    - {key: team, value: b}']) }, expected: ['tag-key-unique d.yaml:8:13'] },
  { rule: 'port', files: { 'd.yaml': desktop(['  apply_shared_vpc_dedicated_param:', '    port: 70000']) }, expected: ['port d.yaml:7:11'] },
  { rule: 'eip-id', files: { 'd.yaml': desktop(['  eip:', '    id: ""']) }, expected: ['eip-id d.yaml:7:9'] },
  { rule: 'eip-type', files: { 'd.yaml': desktop(['  eip:', '    type: 5_xyz']) }, expected: ['eip-type d.yaml:7:11'] },
  { rule: 'eip-charge-mode', files: { 'd.yaml': desktop(['  eip:', '    charge_mode: MONTHLY']) }, expected: ['eip-charge-mode d.yaml:7:18'] },
  { rule: 'bandwidth-size', files: { 'd.yaml': desktop(['  eip:', '    bandwidth_size: 3000']) }, expected: ['bandwidth-size d.yaml:7:21'] },
  { rule: 'policy-id', files: { 'd.yaml': desktop(['  desktop_name_policy_id: "x y"']) }, expected: ['policy-id d.yaml:6:27'] },
  { rule: 'computer-name', files: { 'd.yaml': desktop(['  computer_name: bad-']) }, expected: ['computer-name d.yaml:6:18'] },
  { rule: 'computer-name', files: { 'd.yaml': desktop(['  computer_name: sixteen-chars-xx']) }, expected: ['computer-name d.yaml:6:18'] },
  // No spec.computer_name: metadata.name (line 4, after "  name: ") becomes the computer name.
  { rule: 'computer-name', files: { 'd.yaml': desktop([], 'alice.dev') }, expected: ['computer-name d.yaml:4:9'], message: /used as the Desktop's computer_name/ },
  { rule: 'computer-name', files: { 'd.yaml': desktop([], 'alice-development') }, expected: ['computer-name d.yaml:4:9'] },
  { rule: 'os-host-name', files: { 'd.yaml': desktop([`  os_host_name: ${x(64)}`]) }, expected: ['os-host-name d.yaml:6:17'] },
  { rule: 'user-name', files: { 'd.yaml': desktop(['  user:', '    user_name: _alice']) }, expected: ['user-name d.yaml:7:16'], message: /^"_alice" is not valid$/ },
  { rule: 'user-name', files: { 'd.yaml': desktop(['  user:', `    user_name: ${x(33)}`]) }, expected: ['user-name d.yaml:7:16'] },
  // LITE_AD: a letter first and at most 20 characters; the same names are fine under LOCAL_AD (below).
  { rule: 'user-name', files: { 'd.yaml': desktop(['  user:', '    user_name: 1alice']) }, expected: ['user-name d.yaml:7:16'], options: { domainType: 'LITE_AD' } },
  { rule: 'user-name', files: { 'd.yaml': desktop(['  user:', `    user_name: a${x(20)}`]) }, expected: ['user-name d.yaml:7:16'], options: { domainType: 'LITE_AD' } },
  // A Windows group (users/administrators) limits the name to 20 characters even under LOCAL_AD.
  { rule: 'user-name', files: { 'd.yaml': desktop(['  user:', `    user_name: a${x(20)}`, '    user_group: users']) }, expected: ['user-name d.yaml:7:16'], message: /21 characters; a Windows desktop user/ },
  { rule: 'email', files: { 'd.yaml': desktop(['  user:', '    user_name: alice', '    user_email: not-an-email']) }, expected: ['email d.yaml:8:17'] },
  { rule: 'phone', files: { 'd.yaml': desktop(['  user:', '    user_name: alice', '    user_phone: call-me']) }, expected: ['phone d.yaml:8:17'] },
  { rule: 'user-group', files: { 'd.yaml': desktop(['  user:', '    user_name: alice', '    user_group: wheel']) }, expected: ['user-group d.yaml:8:17'] },
  { rule: 'period-type', files: { 'd.yaml': desktop(['  billing:', '    period_type: week']) }, expected: ['period-type d.yaml:7:18'] },
  { rule: 'period-num', files: { 'd.yaml': desktop(['  billing:', '    period_num: 10']) }, expected: ['period-num d.yaml:7:17'] },
  { rule: 'period-num', files: { 'd.yaml': desktop(['  billing:', '    period_type: year', '    period_num: 4']) }, expected: ['period-num d.yaml:8:17'], message: /4 years is more than 3/ },
  // period_num 5 is fine for months; the config's period_type year makes it 5 years.
  {
    rule: 'period-num',
    files: { 'd.yaml': desktop(['  billing:', '    period_num: 5']) },
    expected: ['period-num d.yaml:7:17'],
    options: { billing: { period_type: 'year', period_num: 1, is_auto_renew: true, is_auto_pay: false } },
    message: /period_type year comes from the config/,
  },
  { rule: 'is-auto-renew', files: { 'd.yaml': desktop(['  billing:', '    is_auto_renew: "yes"']) }, expected: ['is-auto-renew d.yaml:7:20'] },
  { rule: 'is-auto-pay', files: { 'd.yaml': desktop(['  billing:', '    is_auto_pay: 1']) }, expected: ['is-auto-pay d.yaml:7:18'] },
  // Not a valid name, so certainly not a declared profile either: both are said, at the same place.
  { rule: 'profile-name', files: { 'd.yaml': desktop(['  profile: "bad name"']) }, expected: ['profile-name d.yaml:6:12', 'unknown-profile d.yaml:6:12'] },
  { rule: 'unknown-field', files: { 'd.yaml': desktop(['  root_volum: {type: SAS, size: 80}']) }, expected: ['unknown-field d.yaml:6:3'], message: /unknown field "root_volum"; did you mean "root_volume"\?/ },
  { rule: 'unknown-field', files: { 'd.yaml': desktop(['  user:', '    user_name: alice', '    user_emial: a@example.com']) }, expected: ['unknown-field d.yaml:8:5'], message: /did you mean "user_email"/ },
  // desktop_ips assigns addresses to a whole batch: not part of the desired model.
  { rule: 'unknown-field', files: { 'd.yaml': desktop(['  desktop_ips: [10.0.0.5]']) }, expected: ['unknown-field d.yaml:6:3'] },
  { rule: 'type', files: { 'd.yaml': desktop(['  email_notification: "yes"']) }, expected: ['type d.yaml:6:23'], message: /must be boolean, got a string/ },
  // Fields without a rule of their own report the JSON Schema keyword.
  { rule: 'minItems', files: { 'd.yaml': desktop(['  nics: []']) }, expected: ['minItems d.yaml:6:9'] },
  // A missing field points at the mapping it is missing from: the spec's first key.
  { rule: 'required-field', files: { 'd.yaml': text(...head('Desktop', 'alice-dev'), '  desktop_type: DEDICATED', '  product_id: p1', '  image_type: private', '  image_id: i1') }, expected: ['required-field d.yaml:6:3'], message: /^root_volume is required$/ },
];

const poolCases: Case[] = [
  { rule: 'pool-size', files: { 'p.yaml': pool(['  size: 1001']) }, expected: ['pool-size p.yaml:6:9'] },
  { rule: 'pool-size', files: { 'p.yaml': pool(['  size: 0']) }, expected: ['pool-size p.yaml:6:9'] },
  { rule: 'pool-type', files: { 'p.yaml': pool(['  type: FIXED']) }, expected: ['pool-type p.yaml:6:9'] },
  { rule: 'description', files: { 'p.yaml': pool([`  description: ${x(256)}`]) }, expected: ['description p.yaml:6:16'] },
  { rule: 'flavor-id', files: { 'p.yaml': pool(['  flavor_id: ""']) }, expected: ['flavor-id p.yaml:6:14'] },
  { rule: 'volume-id', files: { 'p.yaml': pool(['  root_volume:', '    id: "a b"', '    type: SAS', '    size: 80']) }, expected: ['volume-id p.yaml:7:9'] },
  // Pools take SAS and SSD only (VolumeInfo, Table 20).
  { rule: 'volume-type', files: { 'p.yaml': pool(['  root_volume:', '    type: GPSSD', '    size: 80']) }, expected: ['volume-type p.yaml:7:11'] },
  { rule: 'root-volume-size', files: { 'p.yaml': pool(['  root_volume:', '    type: SAS', '    size: 75']) }, expected: ['root-volume-size p.yaml:8:11'] },
  { rule: 'data-volume-size', files: { 'p.yaml': pool(['  data_volumes:', '    - type: SAS', '      size: 5']) }, expected: ['data-volume-size p.yaml:8:13'] },
  { rule: 'vpc-id', files: { 'p.yaml': pool(['  vpc_id: ""']) }, expected: ['vpc-id p.yaml:6:11'] },
  { rule: 'subnet-ids', files: { 'p.yaml': pool(['  subnet_ids: []']) }, expected: ['subnet-ids p.yaml:6:15'] },
  {
    rule: 'authorized-object-type',
    files: { 'p.yaml': pool(['  authorized_objects:', '    - object_type: ROLE', '      object_id: u1', '      object_name: trainees', '      user_group: users']) },
    expected: ['authorized-object-type p.yaml:7:20'],
  },
  {
    rule: 'object-id',
    files: { 'p.yaml': pool(['  authorized_objects:', '    - object_type: USER', '      object_id: ""', '      object_name: trainees', '      user_group: users']) },
    expected: ['object-id p.yaml:8:18'],
  },
  {
    rule: 'object-name',
    files: { 'p.yaml': pool(['  authorized_objects:', '    - object_type: USER', '      object_id: u1', '      object_name: ""', '      user_group: users']) },
    expected: ['object-name p.yaml:9:20'],
  },
  {
    rule: 'user-group',
    files: { 'p.yaml': pool(['  authorized_objects:', '    - object_type: USER', '      object_id: u1', '      object_name: trainees', '      user_group: wheel']) },
    expected: ['user-group p.yaml:10:19'],
  },
  {
    rule: 'authorized-object-count',
    files: { 'p.yaml': pool([`  authorized_objects: [${Array.from({ length: 501 }, (_, i) => `{object_type: USER, object_id: u${i}, object_name: n${i}, user_group: users}`).join(', ')}]`]) },
    expected: ['authorized-object-count p.yaml:6:23'],
  },
  { rule: 'disconnected-retention-period', files: { 'p.yaml': pool(['  disconnected_retention_period: 5']) }, expected: ['disconnected-retention-period p.yaml:6:34'] },
  { rule: 'autoscale-type', files: { 'p.yaml': pool(['  autoscale_policy:', '    autoscale_type: NEVER']) }, expected: ['autoscale-type p.yaml:7:21'] },
  { rule: 'autoscale-count', files: { 'p.yaml': pool(['  autoscale_policy:', '    max_auto_created: 6000']) }, expected: ['autoscale-count p.yaml:7:23'] },
  // metadata.name is the pool's name in the cloud: no dots there.
  { rule: 'pool-name', files: { 'p.yaml': pool([], 'training.pool') }, expected: ['pool-name p.yaml:4:9'] },
  { rule: 'tag-key-unique', files: { 'p.yaml': pool(['  tags:', '    - {key: team}', '    - {key: team}']) }, expected: ['tag-key-unique p.yaml:8:13'] },
];

const internetCases: Case[] = [
  { rule: 'desktop-name-ref', files: { 'd.yaml': ALICE, 'i.yaml': internet(['  desktops: ["-x"]']) }, expected: ['desktop-name-ref i.yaml:6:14'] },
  { rule: 'internet-desktops', files: { 'd.yaml': ALICE, 'i.yaml': internet(['  desktops: []']) }, expected: ['internet-desktops i.yaml:6:13'] },
  { rule: 'internet-desktops', files: { 'd.yaml': ALICE, 'i.yaml': internet(['  desktops: [alice-dev, alice-dev]']) }, expected: ['internet-desktops i.yaml:6:13'] },
  { rule: 'eip-type', files: { 'd.yaml': ALICE, 'i.yaml': internet(['  eip_type: 5_xyz']) }, expected: ['eip-type i.yaml:6:13'] },
  { rule: 'eip-charge-mode', files: { 'd.yaml': ALICE, 'i.yaml': internet(['  eip_charge_mode: MONTHLY']) }, expected: ['eip-charge-mode i.yaml:6:20'] },
  { rule: 'bandwidth-size', files: { 'd.yaml': ALICE, 'i.yaml': internet(['  bandwidth_size: 0']) }, expected: ['bandwidth-size i.yaml:6:19'] },
  // "  desktops: [alice-dev, alice-dex]": the second name starts at column 25.
  { rule: 'unknown-desktop', files: { 'd.yaml': ALICE, 'i.yaml': internet(['  desktops: [alice-dev, alice-dex]']) }, expected: ['unknown-desktop i.yaml:6:25'], message: /no Desktop named "alice-dex" is declared; did you mean "alice-dev"\?/ },
  {
    rule: 'internet-conflict',
    files: { 'd.yaml': desktop(['  eip: {type: 5_bgp, charge_mode: TRAFFIC, bandwidth_size: 5}']), 'i.yaml': internet() },
    expected: ['internet-conflict i.yaml:6:14'],
  },
  {
    rule: 'duplicate-internet-desktop',
    files: { 'd.yaml': ALICE, 'i.yaml': docs(internet([], 'first'), internet([], 'second')) },
    // The second document starts at line 11 (10 lines, then "---"): its desktops line is 16.
    expected: ['duplicate-internet-desktop i.yaml:16:14'],
    message: /Desktop\/alice-dev is already used by DesktopInternet\/first at i\.yaml:6:14$/,
  },
];

const bandwidthCases: Case[] = [
  { rule: 'bandwidth-name', files: { 'b.yaml': bandwidth(['  bandwidth_name: x']) }, expected: ['bandwidth-name b.yaml:6:19'] },
  // Without spec.bandwidth_name the metadata.name is the bandwidth's name: 2-64 characters.
  { rule: 'bandwidth-name', files: { 'b.yaml': bandwidth([], 'b') }, expected: ['bandwidth-name b.yaml:4:9'] },
  { rule: 'subnet-bandwidth-charge-mode', files: { 'b.yaml': bandwidth(['  charge_mode: free']) }, expected: ['subnet-bandwidth-charge-mode b.yaml:6:16'] },
  { rule: 'bandwidth-size', files: { 'b.yaml': bandwidth(['  bandwidth_size: 2001']) }, expected: ['bandwidth-size b.yaml:6:19'] },
  { rule: 'subnet-id', files: { 'b.yaml': bandwidth(['  subnet_id: ""']) }, expected: ['subnet-id b.yaml:6:14'] },
  {
    rule: 'duplicate-subnet-bandwidth',
    files: { 'a.yaml': bandwidth([], 'first'), 'b.yaml': bandwidth([], 'second') },
    expected: ['duplicate-subnet-bandwidth b.yaml:6:14'],
    message: /subnet 197c1aa4-2611-48bd-a3af-ac4ce2c17c4c is already used by SubnetBandwidth\/first at a\.yaml:6:14$/,
  },
];

const hostCases: Case[] = [
  { rule: 'host-name', files: { 'h.yaml': host(['  name: "-host"']) }, expected: ['host-name h.yaml:6:9'] },
  { rule: 'host-name', files: { 'h.yaml': host([], `h${x(64)}`) }, expected: ['host-name h.yaml:4:9'] },
  { rule: 'availability-zone', files: { 'h.yaml': host(['  availability_zone: ""']) }, expected: ['availability-zone h.yaml:6:22'] },
  { rule: 'exclusive-desktop-quantity', files: { 'h.yaml': host(['  apply_desktop_quantity: 301']) }, expected: ['exclusive-desktop-quantity h.yaml:6:27'] },
  { rule: 'host-quantity', files: { 'h.yaml': host(['  quantity: 0']) }, expected: ['host-quantity h.yaml:6:13'] },
  { rule: 'volume-count', files: { 'h.yaml': host(['  image_volumes: []']) }, expected: ['volume-count h.yaml:6:18'] },
  // "    - {type: SAS, size: 70}": the size starts at column 25.
  { rule: 'root-volume-size', files: { 'h.yaml': host(['  image_volumes:', '    - {type: SAS, size: 70}']) }, expected: ['root-volume-size h.yaml:7:25'] },
  { rule: 'data-volume-size', files: { 'h.yaml': host(['  memory_volumes:', '    - {type: SAS, size: 5}']) }, expected: ['data-volume-size h.yaml:7:25'] },
  { rule: 'vpc-id', files: { 'h.yaml': host(['  vpc_id: ""']) }, expected: ['vpc-id h.yaml:6:11'] },
  { rule: 'product-id', files: { 'h.yaml': host(['  product_id: ""']) }, expected: ['product-id h.yaml:6:15'] },
  // The resize request is ordered by the planner from a change of apply_desktop_quantity, never written.
  { rule: 'unknown-field', files: { 'h.yaml': host(['  resize_exclusive_lites: {product_id: p, new_quantity: 3}']) }, expected: ['unknown-field h.yaml:6:3'] },
];

const sharerCases: Case[] = [
  { rule: 'user-sharer-sku', files: { 's.yaml': sharer(['  user_sharer_sku: "a b"']) }, expected: ['user-sharer-sku s.yaml:6:20'] },
  { rule: 'sharer-user-count', files: { 's.yaml': sharer(['  users: []']) }, expected: ['sharer-user-count s.yaml:6:10'] },
  { rule: 'user-id', files: { 's.yaml': sharer(['  users:', '    - user_id: ""', '      user_name: alice']) }, expected: ['user-id s.yaml:7:16'] },
  { rule: 'user-name', files: { 's.yaml': sharer(['  users:', '    - user_id: u1', '      user_name: "bad name"']) }, expected: ['user-name s.yaml:8:18'] },
  {
    rule: 'duplicate-sharer-user',
    files: { 'a.yaml': sharer([], 'first'), 'b.yaml': sharer([], 'second') },
    // "  users: [{user_id: u-0001": the user id starts at column 21 of line 7 (after user_sharer_sku).
    expected: ['duplicate-sharer-user b.yaml:7:21'],
    message: /user u-0001 is already used by UserSharer\/first at a\.yaml:7:21$/,
  },
];

const envelopeCases: Case[] = [
  { rule: 'api-version', files: { 'd.yaml': desktop().replace('workspace-gitops/v1', 'v1') }, expected: ['api-version d.yaml:1:13'], message: /^"v1" is not allowed$/ },
  { rule: 'unknown-kind', files: { 'd.yaml': desktop().replace('kind: Desktop', 'kind: Desktp') }, expected: ['unknown-kind d.yaml:2:7'], message: /unknown kind "Desktp"; did you mean "Desktop"\?/ },
  { rule: 'wrong-folder', files: { 'd.yaml': text('apiVersion: workspace-gitops/v1', 'kind: Policy', 'metadata: {name: allowed-images}', 'spec: {}') }, expected: ['wrong-folder d.yaml:2:7'] },
  { rule: 'name', files: { 'd.yaml': desktop([], '"bad name"') }, expected: ['name d.yaml:4:9'] },
  { rule: 'label-key', files: { 'd.yaml': desktop().replace('  name: alice-dev\n', '  name: alice-dev\n  labels:\n    "bad key": x\n') }, expected: ['label-key d.yaml:6:5'] },
  { rule: 'label-value', files: { 'd.yaml': desktop().replace('  name: alice-dev\n', '  name: alice-dev\n  labels:\n    team: "bad value"\n') }, expected: ['label-value d.yaml:6:11'] },
  { rule: 'annotation-value', files: { 'd.yaml': desktop().replace('  name: alice-dev\n', `  name: alice-dev\n  annotations:\n    note: ${x(4097)}\n`) }, expected: ['annotation-value d.yaml:6:11'] },
  { rule: 'required-field', files: { 'd.yaml': text('apiVersion: workspace-gitops/v1', 'kind: Desktop', 'spec: {}') }, expected: ['required-field d.yaml:1:1'], message: /^metadata is required$/ },
  { rule: 'type', files: { 'd.yaml': text('apiVersion: workspace-gitops/v1', 'kind: Desktop', 'metadata: {name: a}', 'spec: []') }, expected: ['type d.yaml:4:7'] },
  { rule: 'unknown-field', files: { 'd.yaml': `${desktop()}status: {}\n` }, expected: ['unknown-field d.yaml:11:1'] },
  { rule: 'document-shape', files: { 'd.yaml': text('- just', '- a list') }, expected: ['document-shape d.yaml:1:1'] },
  {
    rule: 'duplicate-name',
    files: { 'a.yaml': desktop(), 'b.yaml': desktop(['  computer_name: alice2']) },
    expected: ['duplicate-name b.yaml:4:9'],
    message: /Desktop\/alice-dev is already declared at a\.yaml:4:9/,
  },
  {
    rule: 'computer-name-unique',
    // Names compare without case: ALICE-DEV is the same computer as alice-dev.
    files: { 'a.yaml': desktop(), 'b.yaml': desktop(['  computer_name: ALICE-DEV'], 'alice-second') },
    expected: ['computer-name-unique b.yaml:6:18'],
    message: /computer_name "ALICE-DEV" is already used by Desktop\/alice-dev at a\.yaml:4:9$/,
  },
];

const profileCases: Case[] = [
  {
    rule: 'unknown-profile',
    // No pile of "product_id is required" on top: those were for the profile to supply.
    files: { 'p.yaml': profile(['  desktop_type: DEDICATED']), 'd.yaml': text(...head('Desktop', 'alice-dev'), '  profile: linux-standrd') },
    expected: ['unknown-profile d.yaml:6:12', 'unused-profile p.yaml:4:9'],
    message: /no DesktopProfile named "linux-standrd"; did you mean "linux-standard"\?/,
  },
  {
    rule: 'unused-profile',
    files: { 'p.yaml': profile(['  desktop_type: DEDICATED']), 'd.yaml': desktop() },
    expected: ['unused-profile p.yaml:4:9'],
  },
  { rule: 'unknown-field', files: { 'p.yaml': profile(['  flavour_id: f']), 'd.yaml': desktop(['  profile: linux-standard']) }, expected: ['unknown-field p.yaml:6:3'], message: /did you mean "flavor_id"/ },
  // A user is one person's: a profile cannot carry it.
  { rule: 'unknown-field', files: { 'p.yaml': profile(['  user: {user_name: alice}']), 'd.yaml': desktop(['  profile: linux-standard']) }, expected: ['unknown-field p.yaml:6:3'] },
];

const tables: [string, Case[]][] = [
  ['Desktop', desktopCases],
  ['DesktopPool', poolCases],
  ['DesktopInternet', internetCases],
  ['SubnetBandwidth', bandwidthCases],
  ['ExclusiveHost', hostCases],
  ['UserSharer', sharerCases],
  ['envelope and references', envelopeCases],
  ['DesktopProfile', profileCases],
];

for (const [title, cases] of tables) {
  describe(`${title} rules`, () => {
    it.each(cases.map((c) => [`${c.rule} at ${c.expected.join(', ')}`, c] as const))('%s', async (_, c) => {
      const result = await load(c.files, c.options);
      expect(result.diagnostics.map(at)).toEqual(c.expected);
      if (c.message) expect(result.diagnostics[0]!.message).toMatch(c.message);
      const hasError = result.diagnostics.some((d) => d.severity === 'error');
      expect(result.state === undefined).toBe(hasError);
    });
  });
}

describe('the same names under LOCAL_AD', () => {
  it.each([['1alice'], [`a${'x'.repeat(31)}`]])('accepts user_name %s for a Linux desktop', async (name) => {
    const result = await load({ 'd.yaml': desktop(['  user:', `    user_name: ${name}`, '    user_group: sudo']) });
    expect(result.diagnostics).toEqual([]);
  });
});

/** Every `x-rule` a desired-state document can break, found by walking the kinds' schemas. */
function rulesIn(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) rulesIn(item, out);
  else if (schema !== null && typeof schema === 'object') {
    const rule = (schema as Record<string, unknown>)['x-rule'];
    if (typeof rule === 'string') out.add(rule);
    for (const value of Object.values(schema)) rulesIn(value, out);
  }
  return out;
}

describe('coverage of the schemas', () => {
  it('has a failing document above for every x-rule of every kind', () => {
    const schemas = kindSchemas('LOCAL_AD') as Record<string, TSchema>;
    const declared = rulesIn(Object.values(schemas));
    const tested = new Set(tables.flatMap(([, cases]) => cases.map((c) => c.rule)));
    // `unknown-kind` is also an x-rule of the envelope; it is tested above through a misspelt kind.
    expect([...declared].filter((r) => !tested.has(r)).sort()).toEqual([]);
  });
});

describe('docs/desired-state.md', () => {
  it('names every rule a desired-state document can break', () => {
    const doc = readFileSync(new URL('../../docs/desired-state.md', import.meta.url), 'utf8');
    const schemas = kindSchemas('LOCAL_AD') as Record<string, TSchema>;
    const files = ['folder', 'file-too-large', 'encoding', 'symlink-outside', 'symlink', 'yaml-syntax', 'duplicate-key', 'yaml-alias-limit', 'document-shape'];
    const all = new Set([...rulesIn(Object.values(schemas)), ...tables.flatMap(([, cases]) => cases.map((c) => c.rule)), ...files]);
    expect([...all].filter((rule) => !doc.includes(`\`${rule}\``)).sort()).toEqual([]);
  });
});
