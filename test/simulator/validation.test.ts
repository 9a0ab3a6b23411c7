/**
 * Every rule of order-schema.ts and order-rules.ts, rejected over HTTP: 400, WKS.0001, and an error_msg
 * that names the field path and the rule. Each case breaks exactly one thing in an otherwise valid body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderBodyProblems } from '../../src/workspace/order-rules.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import {
  addVolumesBody,
  bandwidthBody,
  desktopsBody,
  expandBody,
  hostsBody,
  internetBody,
  patched,
  poolBody,
  postOrder,
  rebuildBody,
  resizeBody,
  sharerBody,
  start,
  type Json,
} from './support.js';

const BASES: Record<string, Json> = {
  desktops: desktopsBody(),
  addVolumes: addVolumesBody('d-1'),
  rebuild: rebuildBody(['d-1']),
  pool: poolBody(),
  expand: expandBody('pool-1'),
  internet: internetBody(['d-1']),
  bandwidth: bandwidthBody(),
  hosts: hostsBody(),
  resize: resizeBody(),
  sharer: sharerBody(),
};

const CD = 'resources.0.create_desktops';
const POOL = 'resources.0.create_desktop_pool';
const HOST = 'resources.0.create_exclusive_hosts';
const EIP = 'resources.0.apply_desktops_internet';
const BW = 'resources.0.apply_subnet_bandwidth';
const AV = 'resources.0.add_volumes';
const RB = 'resources.0.rebuild_desktops';

/** The dotted path of a change as formatPath prints it: `resources.0.x` → `resources[0].x`. */
const shown = (dotted: string) => dotted.replace(/\.(\d+)/g, '[$1]');
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const users = (n: number) => many(n, (i) => ({ user_name: `user${i}` }));

type Case = [label: string, base: keyof typeof BASES, changes: Record<string, unknown>, path: string, rule: string];

const CASES: Case[] = [
  // Volumes: sizes (root 80-32760, data 10-32760, multiples of 10) and types
  ['root volume below 80 GB', 'desktops', { [`${CD}.root_volume.size`]: 70 }, `${CD}.root_volume.size`, 'root-volume-size'],
  ['root volume above 32760 GB', 'desktops', { [`${CD}.root_volume.size`]: 32770 }, `${CD}.root_volume.size`, 'root-volume-size'],
  ['root volume not a multiple of 10', 'desktops', { [`${CD}.root_volume.size`]: 85 }, `${CD}.root_volume.size`, 'root-volume-size'],
  ['data volume below 10 GB', 'desktops', { [`${CD}.data_volumes.0.size`]: 0 }, `${CD}.data_volumes.0.size`, 'data-volume-size'],
  ['data volume above 32760 GB', 'desktops', { [`${CD}.data_volumes.0.size`]: 32770 }, `${CD}.data_volumes.0.size`, 'data-volume-size'],
  ['data volume not a multiple of 10', 'desktops', { [`${CD}.data_volumes.0.size`]: 15 }, `${CD}.data_volumes.0.size`, 'data-volume-size'],
  ['root volume type unknown', 'desktops', { [`${CD}.root_volume.type`]: 'HDD' }, `${CD}.root_volume.type`, 'volume-type'],
  ['data volume type unknown', 'desktops', { [`${CD}.data_volumes.0.type`]: 'GPSSD2' }, `${CD}.data_volumes.0.type`, 'volume-type'],
  ['more than 10 data volumes', 'desktops', { [`${CD}.data_volumes`]: many(11, () => ({ type: 'SAS', size: 10 })) }, `${CD}.data_volumes`, 'data-volume-count'],
  ['pool root volume GPSSD', 'pool', { [`${POOL}.root_volume.type`]: 'GPSSD' }, `${POOL}.root_volume.type`, 'volume-type'],
  ['pool data volume GPSSD', 'pool', { [`${POOL}.data_volumes.0.type`]: 'GPSSD' }, `${POOL}.data_volumes.0.type`, 'volume-type'],
  ['pool root volume not a multiple of 10', 'pool', { [`${POOL}.root_volume.size`]: 85 }, `${POOL}.root_volume.size`, 'root-volume-size'],
  ['pool data volume below 10 GB', 'pool', { [`${POOL}.data_volumes.0.size`]: 5 }, `${POOL}.data_volumes.0.size`, 'data-volume-size'],
  ['added volume below 10 GB', 'addVolumes', { [`${AV}.volumes.0.size`]: 5 }, `${AV}.volumes.0.size`, 'data-volume-size'],
  ['added volume above 32760 GB', 'addVolumes', { [`${AV}.volumes.0.size`]: 32770 }, `${AV}.volumes.0.size`, 'data-volume-size'],
  ['added volume not a multiple of 10', 'addVolumes', { [`${AV}.volumes.0.size`]: 25 }, `${AV}.volumes.0.size`, 'data-volume-size'],
  ['added volume type unknown', 'addVolumes', { [`${AV}.volumes.0.type`]: 'HDD' }, `${AV}.volumes.0.type`, 'volume-type'],
  ['addVolumes without volumes', 'addVolumes', { [`${AV}.volumes`]: [] }, `${AV}.volumes`, 'data-volume-count'],
  ['addVolumes with 11 volumes', 'addVolumes', { [`${AV}.volumes`]: many(11, () => ({ type: 'SAS', size: 10 })) }, `${AV}.volumes`, 'data-volume-count'],
  ['addVolumes desktop id with a space', 'addVolumes', { [`${AV}.desktop_id`]: 'd 1' }, `${AV}.desktop_id`, 'desktop-id'],
  ['host image volume below 80 GB', 'hosts', { [`${HOST}.image_volumes.0.size`]: 70 }, `${HOST}.image_volumes.0.size`, 'root-volume-size'],
  ['host memory volume not a multiple of 10', 'hosts', { [`${HOST}.memory_volumes.0.size`]: 105 }, `${HOST}.memory_volumes.0.size`, 'data-volume-size'],
  ['host without image volumes', 'hosts', { [`${HOST}.image_volumes`]: [] }, `${HOST}.image_volumes`, 'volume-count'],

  // Desktop configuration enumerations and ids
  ['desktop_type unknown', 'desktops', { [`${CD}.desktop_type`]: 'POOLED' }, `${CD}.desktop_type`, 'desktop-type'],
  ['image_type unknown', 'desktops', { [`${CD}.image_type`]: 'market' }, `${CD}.image_type`, 'image-type'],
  ['rebuild image_type unknown', 'rebuild', { [`${RB}.image_type`]: 'market' }, `${RB}.image_type`, 'image-type'],
  ['pool image_type unknown', 'pool', { [`${POOL}.image_type`]: 'shared' }, `${POOL}.image_type`, 'image-type'],
  ['empty product_id', 'desktops', { [`${CD}.product_id`]: '' }, `${CD}.product_id`, 'product-id'],
  ['image_id with a space', 'desktops', { [`${CD}.image_id`]: 'img 1' }, `${CD}.image_id`, 'image-id'],
  ['missing product_id', 'desktops', { [`${CD}.product_id`]: undefined }, `${CD}.product_id`, 'required-field'],
  ['enterprise project id malformed', 'desktops', { enterprise_project_id: 'abc' }, 'enterprise_project_id', 'enterprise-project-id'],
  ['no nics in the list', 'desktops', { [`${CD}.nics`]: [] }, `${CD}.nics`, 'minItems'],
  ['desktop IP not an IPv4 address', 'desktops', { [`${CD}.desktop_ips`]: ['10.0.0.x'] }, `${CD}.desktop_ips.0`, 'ip-address'],
  ['EIP type unknown in create_desktops', 'desktops', { [`${CD}.eip`]: { type: '5_xyz' } }, `${CD}.eip.type`, 'eip-type'],

  // Users (LOCAL_AD here; LITE_AD below)
  ['user_name starting with an underscore', 'desktops', { [`${CD}.desktops.0.user_name`]: '_alice' }, `${CD}.desktops.0.user_name`, 'user-name'],
  ['user_name of 33 characters', 'desktops', { [`${CD}.desktops.0.user_name`]: 'a'.repeat(33) }, `${CD}.desktops.0.user_name`, 'user-name'],
  ['user_name with a space', 'desktops', { [`${CD}.desktops.0.user_name`]: 'al ice' }, `${CD}.desktops.0.user_name`, 'user-name'],
  ['Windows user_name of 21 characters', 'desktops', { [`${CD}.desktops.0.user_name`]: 'a'.repeat(21), [`${CD}.desktops.0.user_group`]: 'users' }, `${CD}.desktops.0.user_name`, 'user-name'],
  ['user_group unknown', 'desktops', { [`${CD}.desktops.0.user_group`]: 'wheel' }, `${CD}.desktops.0.user_group`, 'user-group'],
  ['user_email invalid', 'desktops', { [`${CD}.desktops.0.user_email`]: 'not-an-email' }, `${CD}.desktops.0.user_email`, 'email'],
  ['user_phone invalid', 'desktops', { [`${CD}.desktops.0.user_phone`]: 'call me' }, `${CD}.desktops.0.user_phone`, 'phone'],

  // Names
  ['computer_name starting with a hyphen', 'desktops', { [`${CD}.desktops.0.computer_name`]: '-dev' }, `${CD}.desktops.0.computer_name`, 'computer-name'],
  ['computer_name ending with a hyphen', 'desktops', { [`${CD}.desktops.0.computer_name`]: 'dev-' }, `${CD}.desktops.0.computer_name`, 'computer-name'],
  ['computer_name of 16 characters', 'desktops', { [`${CD}.desktops.0.computer_name`]: 'a'.repeat(16) }, `${CD}.desktops.0.computer_name`, 'computer-name'],
  ['computer_name with an underscore', 'desktops', { [`${CD}.desktops.0.computer_name`]: 'dev_1' }, `${CD}.desktops.0.computer_name`, 'computer-name'],
  [
    'computer_name twice in one order',
    'desktops',
    { [`${CD}.desktops`]: [{ user_name: 'a', computer_name: 'Dev-1' }, { user_name: 'b', computer_name: 'dev-1' }] },
    `${CD}.desktops.1.computer_name`,
    'computer-name-unique',
  ],
  ['desktop_name_prefix of 6 characters', 'desktops', { [`${CD}.desktops.0.desktop_name_prefix`]: 'abcdef', [`${CD}.desktops.0.computer_name`]: undefined }, `${CD}.desktops.0.desktop_name_prefix`, 'desktop-name-prefix'],

  // Tags
  ['tag key with =', 'desktops', { [`${CD}.tags`]: [{ key: 'a=b', value: 'x' }] }, `${CD}.tags.0.key`, 'tag-key'],
  ['tag key of 129 characters', 'desktops', { [`${CD}.tags`]: [{ key: 'k'.repeat(129) }] }, `${CD}.tags.0.key`, 'tag-key'],
  ['empty tag key', 'desktops', { [`${CD}.tags`]: [{ key: '' }] }, `${CD}.tags.0.key`, 'tag-key'],
  ['tag value of 44 characters', 'desktops', { [`${CD}.tags`]: [{ key: 'k', value: 'v'.repeat(44) }] }, `${CD}.tags.0.value`, 'tag-value'],
  ['tag value with /', 'desktops', { [`${CD}.tags`]: [{ key: 'k', value: 'a/b' }] }, `${CD}.tags.0.value`, 'tag-value'],
  ['21 tags', 'desktops', { [`${CD}.tags`]: many(21, (i) => ({ key: `k${i}` })) }, `${CD}.tags`, 'tag-count'],
  ['duplicate tag keys', 'desktops', { [`${CD}.tags`]: [{ key: 'team' }, { key: 'team' }] }, `${CD}.tags.1.key`, 'tag-key-unique'],
  ['duplicate pool tag keys', 'pool', { [`${POOL}.tags`]: [{ key: 'tier' }, { key: 'tier' }] }, `${POOL}.tags.1.key`, 'tag-key-unique'],

  // How many desktops, and how they are named
  ['51 desktops in one request', 'desktops', { [`${CD}.desktops`]: users(51) }, `${CD}.desktops`, 'desktops-per-order'],
  ['size 51', 'desktops', { [`${CD}.desktops`]: undefined, [`${CD}.desktop_name`]: 'lab', [`${CD}.size`]: 51 }, `${CD}.size`, 'desktops-per-order'],
  [
    'more than 50 desktops across resources',
    'desktops',
    {
      resources: many(2, (i) => ({ period_type: 2, period_num: 1, create_desktops: { ...desktopsBody().resources[0].create_desktops, desktops: undefined, desktop_name: `lab${i}`, size: 30 } })),
    },
    'resources',
    'desktops-per-order',
  ],
  ['desktops and size together', 'desktops', { [`${CD}.size`]: 1 }, `${CD}.size`, 'desktops-or-size'],
  ['neither desktops nor size', 'desktops', { [`${CD}.desktops`]: undefined }, `${CD}.desktops`, 'desktops-or-size'],
  ['desktop_name prefix of 14 characters for 5 desktops', 'desktops', { [`${CD}.desktops`]: undefined, [`${CD}.desktop_name`]: 'a'.repeat(14), [`${CD}.size`]: 5 }, `${CD}.desktop_name`, 'desktop-name'],
  ['desktop_name of 16 characters', 'desktops', { [`${CD}.desktops`]: undefined, [`${CD}.desktop_name`]: 'a'.repeat(16), [`${CD}.size`]: 1 }, `${CD}.desktop_name`, 'desktop-name'],
  ['desktop_name with an underscore', 'desktops', { [`${CD}.desktops`]: undefined, [`${CD}.desktop_name`]: 'lab_1', [`${CD}.size`]: 1 }, `${CD}.desktop_name`, 'desktop-name'],
  ['desktop_name starting with a hyphen', 'desktops', { [`${CD}.desktops`]: undefined, [`${CD}.desktop_name`]: '-lab', [`${CD}.size`]: 1 }, `${CD}.desktop_name`, 'desktop-name'],
  ['desktop_name ending with a hyphen for one desktop', 'desktops', { [`${CD}.desktops`]: undefined, [`${CD}.desktop_name`]: 'lab-', [`${CD}.size`]: 1 }, `${CD}.desktop_name`, 'desktop-name'],
  ['size without desktop_name', 'desktops', { [`${CD}.desktops`]: undefined, [`${CD}.size`]: 2 }, `${CD}.desktop_name`, 'desktops-or-size'],

  // Pools
  ['pool type unknown', 'pool', { [`${POOL}.type`]: 'FIXED' }, `${POOL}.type`, 'pool-type'],
  ['pool name with an underscore', 'pool', { [`${POOL}.name`]: 'pool_a' }, `${POOL}.name`, 'pool-name'],
  ['pool name of 256 characters', 'pool', { [`${POOL}.name`]: 'p'.repeat(256) }, `${POOL}.name`, 'pool-name'],
  ['missing pool name', 'pool', { [`${POOL}.name`]: undefined }, `${POOL}.name`, 'required-field'],
  ['pool size 0', 'pool', { [`${POOL}.size`]: 0 }, `${POOL}.size`, 'pool-size'],
  ['pool size 101', 'pool', { [`${POOL}.size`]: 101 }, `${POOL}.size`, 'pool-size'],
  ['pool without subnets', 'pool', { [`${POOL}.subnet_ids`]: [] }, `${POOL}.subnet_ids`, 'subnet-ids'],
  ['pool retention period of 5 minutes', 'pool', { [`${POOL}.disconnected_retention_period`]: 5 }, `${POOL}.disconnected_retention_period`, 'disconnected-retention-period'],
  [
    'pool authorized object type unknown',
    'pool',
    { [`${POOL}.authorized_objects`]: [{ object_type: 'ROLE', object_id: 'r1', object_name: 'ops', user_group: 'users' }] },
    `${POOL}.authorized_objects.0.object_type`,
    'authorized-object-type',
  ],
  ['pool autoscale count above 5000', 'pool', { [`${POOL}.autoscale_policy`]: { min_idle: 5001 } }, `${POOL}.autoscale_policy.min_idle`, 'autoscale-count'],
  ['pool description of 256 characters', 'pool', { [`${POOL}.description`]: 'd'.repeat(256) }, `${POOL}.description`, 'description'],
  ['expand by 0', 'expand', { 'resources.0.expand_desktop_pool.size': 0 }, 'resources.0.expand_desktop_pool.size', 'pool-expand-size'],
  ['expand by 1001', 'expand', { 'resources.0.expand_desktop_pool.size': 1001 }, 'resources.0.expand_desktop_pool.size', 'pool-expand-size'],
  ['expand an empty pool id', 'expand', { 'resources.0.expand_desktop_pool.pool_id': '' }, 'resources.0.expand_desktop_pool.pool_id', 'pool-id'],

  // Rebuild
  ['rebuild no desktops', 'rebuild', { [`${RB}.desktop_ids`]: [] }, `${RB}.desktop_ids`, 'desktops-per-order'],
  ['rebuild 51 desktops', 'rebuild', { [`${RB}.desktop_ids`]: many(51, (i) => `d-${i}`) }, `${RB}.desktop_ids`, 'desktops-per-order'],
  ['rebuild the same desktop twice', 'rebuild', { [`${RB}.desktop_ids`]: ['d-1', 'd-1'] }, `${RB}.desktop_ids.1`, 'desktop-id-unique'],
  ['rebuild delay above 1440 minutes', 'rebuild', { [`${RB}.delay_time`]: 1441 }, `${RB}.delay_time`, 'delay-time'],

  // EIPs and bandwidth
  ['EIP type unknown', 'internet', { [`${EIP}.eip_type`]: '5_xyz' }, `${EIP}.eip_type`, 'eip-type'],
  ['EIP charge mode unknown', 'internet', { [`${EIP}.eip_charge_mode`]: 'PERIOD' }, `${EIP}.eip_charge_mode`, 'eip-charge-mode'],
  ['EIP bandwidth 0', 'internet', { [`${EIP}.bandwidth_size`]: 0 }, `${EIP}.bandwidth_size`, 'bandwidth-size'],
  ['EIP bandwidth 2001', 'internet', { [`${EIP}.bandwidth_size`]: 2001 }, `${EIP}.bandwidth_size`, 'bandwidth-size'],
  ['EIP count 0', 'internet', { [`${EIP}.desktop_ids`]: undefined, [`${EIP}.count`]: 0 }, `${EIP}.count`, 'eip-count'],
  ['EIP count 101', 'internet', { [`${EIP}.desktop_ids`]: undefined, [`${EIP}.count`]: 101 }, `${EIP}.count`, 'eip-count'],
  ['EIPs without desktops or count', 'internet', { [`${EIP}.desktop_ids`]: [] }, `${EIP}.count`, 'required-field'],
  ['EIPs for 101 desktops', 'internet', { [`${EIP}.desktop_ids`]: many(101, (i) => `d-${i}`) }, `${EIP}.desktop_ids`, 'desktop-id-count'],
  ['subnet bandwidth charged by traffic', 'bandwidth', { [`${BW}.charge_mode`]: 'wks_traffic' }, `${BW}.charge_mode`, 'subnet-bandwidth-charge-mode'],
  ['subnet bandwidth free', 'bandwidth', { [`${BW}.charge_mode`]: 'free' }, `${BW}.charge_mode`, 'subnet-bandwidth-charge-mode'],
  ['subnet bandwidth 0', 'bandwidth', { [`${BW}.bandwidth_size`]: 0 }, `${BW}.bandwidth_size`, 'bandwidth-size'],
  ['subnet bandwidth 2001', 'bandwidth', { [`${BW}.bandwidth_size`]: 2001 }, `${BW}.bandwidth_size`, 'bandwidth-size'],
  ['bandwidth name of 1 character', 'bandwidth', { [`${BW}.bandwidth_name`]: 'b' }, `${BW}.bandwidth_name`, 'bandwidth-name'],
  ['bandwidth name with a space', 'bandwidth', { [`${BW}.bandwidth_name`]: 'office bw' }, `${BW}.bandwidth_name`, 'bandwidth-name'],

  // Exclusive hosts
  ['host quantity 0', 'hosts', { [`${HOST}.quantity`]: 0 }, `${HOST}.quantity`, 'host-quantity'],
  ['host quantity 101', 'hosts', { [`${HOST}.quantity`]: 101 }, `${HOST}.quantity`, 'host-quantity'],
  ['host desktop quantity 301', 'hosts', { [`${HOST}.apply_desktop_quantity`]: 301 }, `${HOST}.apply_desktop_quantity`, 'exclusive-desktop-quantity'],
  ['host name starting with a hyphen', 'hosts', { [`${HOST}.name`]: '-host' }, `${HOST}.name`, 'host-name'],
  ['host without availability zone', 'hosts', { [`${HOST}.availability_zone`]: '' }, `${HOST}.availability_zone`, 'availability-zone'],
  ['host without vpc_id', 'hosts', { [`${HOST}.vpc_id`]: undefined }, `${HOST}.vpc_id`, 'required-field'],
  ['resize to 301 desktops', 'resize', { 'resources.0.resize_exclusive_lites.new_quantity': 301 }, 'resources.0.resize_exclusive_lites.new_quantity', 'exclusive-desktop-quantity'],
  ['resize to -1 desktops', 'resize', { 'resources.0.resize_exclusive_lites.new_quantity': -1 }, 'resources.0.resize_exclusive_lites.new_quantity', 'exclusive-desktop-quantity'],
  ['resize without product', 'resize', { 'resources.0.resize_exclusive_lites.product_id': '' }, 'resources.0.resize_exclusive_lites.product_id', 'product-id'],

  // Collaboration
  ['sharer SKU with a space', 'sharer', { 'resources.0.subscribe_user_sharer.user_sharer_sku': 'bad sku' }, 'resources.0.subscribe_user_sharer.user_sharer_sku', 'user-sharer-sku'],
  ['sharer without users', 'sharer', { 'resources.0.subscribe_user_sharer.users': [] }, 'resources.0.subscribe_user_sharer.users', 'sharer-user-count'],
  ['sharer user_name invalid', 'sharer', { 'resources.0.subscribe_user_sharer.users.0.user_name': '_x' }, 'resources.0.subscribe_user_sharer.users.0.user_name', 'user-name'],
  [
    'sharer user twice',
    'sharer',
    { 'resources.0.subscribe_user_sharer.users': [{ user_id: 'u-1', user_name: 'a' }, { user_id: 'u-1', user_name: 'b' }] },
    'resources.0.subscribe_user_sharer.users.1.user_id',
    'user-unique',
  ],

  // Billing
  ['period_type 4', 'desktops', { 'resources.0.period_type': 4 }, 'resources.0.period_type', 'period-type'],
  ['period_num 0', 'desktops', { 'resources.0.period_num': 0 }, 'resources.0.period_num', 'period-num'],
  ['period_num 10 months', 'desktops', { 'resources.0.period_num': 10 }, 'resources.0.period_num', 'period-num'],
  ['period_num 4 years', 'desktops', { 'resources.0.period_type': 3, 'resources.0.period_num': 4 }, 'resources.0.period_num', 'period-num'],
  ['is_auto_renew 2', 'desktops', { 'resources.0.is_auto_renew': 2 }, 'resources.0.is_auto_renew', 'is-auto-renew'],
  ['create order without period_type', 'pool', { 'resources.0.period_type': undefined }, 'resources.0.period_type', 'required-field'],
  ['create order without period_num', 'hosts', { 'resources.0.period_num': undefined }, 'resources.0.period_num', 'required-field'],
  ['is_auto_pay "yes"', 'desktops', { 'extend_param.is_auto_pay': 'yes' }, 'extend_param.is_auto_pay', 'is-auto-pay'],
  ['is_auto_pay a boolean', 'desktops', { 'extend_param.is_auto_pay': true }, 'extend_param.is_auto_pay', 'is-auto-pay'],

  // The envelope
  ['order type misspelt', 'desktops', { type: 'createDesktop' }, 'type', 'order-type'],
  ['order type missing', 'desktops', { type: undefined }, 'type', 'required-field'],
  ['no resources', 'desktops', { resources: [] }, 'resources', 'resources-per-order'],
  ['51 resources', 'addVolumes', { resources: many(51, () => ({ add_volumes: { desktop_id: 'd-1', volumes: [{ type: 'SAS', size: 10 }] } })) }, 'resources', 'resources-per-order'],
  ['unknown top-level field', 'desktops', { foo: 1 }, 'foo', 'unknown-field'],
  ['unknown field in create_desktops', 'desktops', { [`${CD}.flavor`]: 'x' }, `${CD}.flavor`, 'unknown-field'],
  ['unknown field in a volume', 'desktops', { [`${CD}.root_volume.iops`]: 3000 }, `${CD}.root_volume.iops`, 'unknown-field'],
  ['request object of another order type', 'addVolumes', { 'resources.0.create_desktops': desktopsBody().resources[0].create_desktops, 'resources.0.add_volumes': undefined }, 'resources.0.create_desktops', 'type-mismatch'],
  ['attach_desktops in a createDesktops order', 'desktops', { 'resources.0.attach_desktops': {}, [CD]: undefined }, 'resources.0.attach_desktops', 'type-mismatch'],
  ['resource without a request object', 'addVolumes', { [AV]: undefined }, 'resources.0.add_volumes', 'request-object'],
  ['resource with two request objects', 'addVolumes', { 'resources.0.rebuild_desktops': rebuildBody(['d-1']).resources[0].rebuild_desktops }, 'resources.0.rebuild_desktops', 'request-object'],
];

/** The error_msg must name the field and the rule: `path: … (rule r; …)`. */
function expectRejected(reply: { status: number; body: Json }, path: string, rule: string, code = 'WKS.0001'): void {
  expect(reply.status).toBe(400);
  expect(reply.body.error_code).toBe(code);
  expect(reply.body.error_msg).toContain(`${shown(path)}: `);
  expect(reply.body.error_msg).toContain(`(rule ${rule}`);
}

describe('order body validation (LOCAL_AD)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(() => sim.close());

  it.each(Object.entries(BASES))('the valid %s body passes the schema and the cross-field rules', (_, body) => {
    expect(orderBodyProblems(body, 'LOCAL_AD')).toEqual([]);
    expect(orderBodyProblems(body, 'LITE_AD')).toEqual([]);
  });

  it.each(CASES)('rejects %s', async (_, base, changes, path, rule) => {
    expectRejected(await postOrder(sim, patched(BASES[base], changes)), path, rule);
  });

  it('says what is allowed, e.g. for a root volume of 85 GB', async () => {
    const reply = await postOrder(sim, patched(BASES['desktops'], { [`${CD}.root_volume.size`]: 85 }));
    expect(reply.body.error_msg).toBe(
      'resources[0].create_desktops.root_volume.size: 85 is not a multiple of 10 (rule root-volume-size; allowed: 80-32760 GB in multiples of 10)',
    );
  });

  it('names a Windows user limit in words', async () => {
    const reply = await postOrder(sim, patched(BASES['desktops'], { [`${CD}.desktops.0.user_name`]: 'a'.repeat(21), [`${CD}.desktops.0.user_group`]: 'administrators' }));
    expect(reply.body.error_msg).toContain('Windows');
  });

  it('lists every problem in error_detail when there are several', async () => {
    const reply = await postOrder(sim, patched(BASES['desktops'], { [`${CD}.root_volume.size`]: 85, [`${CD}.desktop_type`]: 'POOLED' }));
    expect(reply.status).toBe(400);
    expect(reply.body.error_detail).toContain('root_volume.size');
    expect(reply.body.error_detail).toContain('desktop_type');
  });

  it('rejects a body that is not JSON', async () => {
    const reply = await postOrder(sim, '{"type": "createDesktops",');
    expectRejected(reply, '(document)', 'json');
  });

  it('rejects an empty body with the code table wording', async () => {
    const reply = await postOrder(sim, ' ');
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error_code: 'WKS.0001', error_msg: 'The request message input by the interface is empty.' });
  });

  it('rejects a JSON value that is not an object', async () => {
    expectRejected(await postOrder(sim, [1, 2]), '(document)', 'type');
  });

  it('places nothing for a rejected body and records the rejection', async () => {
    sim.simulator.reset();
    await postOrder(sim, patched(BASES['desktops'], { [`${CD}.root_volume.size`]: 85 }));
    expect(sim.simulator.orders()).toEqual([]);
    const [record] = sim.simulator.requests();
    expect(record).toMatchObject({ outcome: 'rejected', status: 400, error_code: 'WKS.0001' });
    expect(record?.error_msg).toContain('root-volume-size');
  });

  it('accepts a user_name starting with a digit (LOCAL_AD)', async () => {
    const reply = await postOrder(sim, patched(BASES['desktops'], { [`${CD}.desktops.0.user_name`]: '1alice', [`${CD}.desktops.0.computer_name`]: 'digit-user' }));
    expect(reply.status).toBe(200);
  });
});

describe('order body validation (LITE_AD)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start({ domainType: 'LITE_AD' });
  });
  afterAll(() => sim.close());

  it.each([
    ['a user_name starting with a digit', '1alice'],
    ['a user_name of 21 characters', 'a'.repeat(21)],
    ['a user_name with a dot', 'al.ice'],
  ])('rejects %s', async (_, userName) => {
    const reply = await postOrder(sim, patched(BASES['desktops'], { [`${CD}.desktops.0.user_name`]: userName }));
    expectRejected(reply, `${CD}.desktops.0.user_name`, 'user-name');
    expect(reply.body.error_msg).toContain('LITE_AD');
  });

  it('rejects a sharer user_name that LITE_AD does not allow', async () => {
    const reply = await postOrder(sim, patched(BASES['sharer'], { 'resources.0.subscribe_user_sharer.users.0.user_name': '9lives' }));
    expectRejected(reply, 'resources.0.subscribe_user_sharer.users.0.user_name', 'user-name');
  });

  it('accepts a user_name of 20 characters starting with a letter', async () => {
    const reply = await postOrder(sim, patched(BASES['desktops'], { [`${CD}.desktops.0.user_name`]: `a${'b'.repeat(19)}` }));
    expect(reply.status).toBe(200);
  });
});
