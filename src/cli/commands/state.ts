/** `state list|show|resolve|unlock`: inspect the ledger, settle in-doubt orders, break a stale lock. */
import { Option, type Command } from 'commander';
import type { CommandContext } from '../main.js';
import { InputError, UsageError } from '../../errors.js';
import { configOf, globalsOf } from '../globals.js';
import { cliLogger } from '../logger.js';
import { openState, readCurrentState } from '../state.js';
import { parseDuration } from '../parse.js';
import { Ledger } from '../../apply/index.js';
import { compareAddresses } from '../../desired/kinds.js';
import type { ResourceRecord } from '../../state/types.js';
import { styleFor, type Style } from '../../render/index.js';

function statusText(r: ResourceRecord, style: Style): string {
  if (r.in_doubt_intent) return style.yellow('in-doubt');
  if (r.status === 'failed') return style.red('failed');
  if (r.status === 'ordered') return style.cyan(r.awaiting_payment ? 'ordered (awaiting payment)' : 'ordered');
  return style.green(r.status);
}

function listText(records: ResourceRecord[], style: Style): string {
  if (records.length === 0) return 'The recorded state is empty.\n';
  const width = Math.max(...records.map((r) => r.address.length));
  const lines = records.map((r) => `${r.address.padEnd(width)}  ${statusText(r, style)}  ${r.cloud_id ?? '-'}  ${r.order_ids.at(-1) ?? '-'}  ${r.updated_at}`);
  return `${'ADDRESS'.padEnd(width)}  STATUS  CLOUD ID  LAST ORDER  UPDATED\n${lines.join('\n')}\n`;
}

export function registerStateCommands(program: Command, ctx: CommandContext): void {
  const state = program.command('state').description('inspect and settle the recorded state');

  state
    .command('list')
    .description('every recorded resource with its status, cloud id and last order')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: 'text' | 'json' }, cmd: Command) => {
      const config = await configOf(cmd, ctx.io);
      const store = openState(config, ctx.io, cliLogger(globalsOf(cmd), ctx.io));
      try {
        const snapshot = await readCurrentState(store, ctx.io.now());
        const records = Object.values(snapshot.resources).sort((a, b) => compareAddresses(a.address, b.address));
        if (opts.format === 'json') ctx.io.stdout(`${JSON.stringify({ lineage: snapshot.lineage, serial: snapshot.serial, resources: records }, null, 2)}\n`);
        else ctx.io.stdout(listText(records, styleFor(ctx.io.isTTY, ctx.io.env)));
      } finally {
        await store.close();
      }
    });

  state
    .command('show')
    .argument('<address>', 'Kind/name')
    .description('one recorded resource in full, with its journal entries')
    .action(async (address: string, _opts: unknown, cmd: Command) => {
      const config = await configOf(cmd, ctx.io);
      const store = openState(config, ctx.io, cliLogger(globalsOf(cmd), ctx.io));
      try {
        const snapshot = await readCurrentState(store, ctx.io.now());
        const record = snapshot.resources[address];
        if (!record) throw new InputError(`${address} is not in the recorded state`, [], 'list the recorded addresses with: workspace-gitops state list');
        const intents = (await store.journal.entries()).filter((e) => e.kind === 'intent' && e.addresses.includes(address));
        ctx.io.stdout(`${JSON.stringify({ ...record, journal: intents.map((i) => (i.kind === 'intent' ? { id: i.id, type: i.type, at: i.at, addresses: i.addresses.length } : i)) }, null, 2)}\n`);
      } finally {
        await store.close();
      }
    });

  state
    .command('resolve')
    .argument('<address>', 'an address held by an in-doubt order')
    .description('settle the whole in-doubt order that holds ADDRESS, after checking the cloud and the billing console yourself')
    .option('--placed', 'the order was placed (its resources exist or its order is in the billing console)')
    .option('--not-placed', 'the order was not placed: its resources may be ordered again')
    .option('--order-id <id>', 'with --placed: the order id found in the billing console')
    .option('--lock-timeout <duration>', 'wait this long for a held state lock', parseDuration, 0)
    .action(async (address: string, opts: { placed?: boolean; notPlaced?: boolean; orderId?: string; lockTimeout: number }, cmd: Command) => {
      if (Boolean(opts.placed) === Boolean(opts.notPlaced)) throw new UsageError('say exactly one of --placed or --not-placed');
      if (opts.orderId && !opts.placed) throw new UsageError('--order-id goes with --placed');
      const config = await configOf(cmd, ctx.io);
      const store = openState(config, ctx.io, cliLogger(globalsOf(cmd), ctx.io));
      try {
        const lock = await store.acquireLock({ operation: 'state resolve', timeoutMs: opts.lockTimeout });
        try {
          const ledger = new Ledger(store, lock, () => ctx.io.now());
          await ledger.checkpoint();
          const intent = (await ledger.inDoubt()).find((i) => i.addresses.includes(address));
          if (!intent) throw new InputError(`no in-doubt order holds ${address}`, [], 'see the in-doubt orders with: workspace-gitops state list');
          await store.journal.recordResolution(
            {
              kind: 'resolution',
              intent_id: intent.id,
              placed: Boolean(opts.placed),
              ...(opts.orderId ? { order_id: opts.orderId } : {}),
              by: 'operator',
              evidence: `settled by an operator with state resolve ${address} ${opts.placed ? '--placed' : '--not-placed'}`,
              at: ctx.io.now().toISOString(),
            },
            lock,
          );
          await ledger.checkpoint();
          ctx.io.stdout(
            `Settled order intent ${intent.id} (${intent.type}) as ${opts.placed ? 'placed' : 'not placed'}; it held ${intent.addresses.length} address${intent.addresses.length === 1 ? '' : 'es'}:\n${intent.addresses.map((a) => `  ${a}`).join('\n')}\n`,
          );
        } finally {
          await store.releaseLock(lock);
        }
      } finally {
        await store.close();
      }
    });

  state
    .command('unlock')
    .argument('<id>', 'the lock id shown in the "locked" error')
    .description('break a stale state lock left by a process that died')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const config = await configOf(cmd, ctx.io);
      const store = openState(config, ctx.io, cliLogger(globalsOf(cmd), ctx.io));
      try {
        const info = await store.forceUnlock(id);
        ctx.io.stdout(`Released lock ${info.id} (${info.operation} by ${info.who}, pid ${info.pid}, since ${info.since}).\n`);
      } finally {
        await store.close();
      }
    });
}
