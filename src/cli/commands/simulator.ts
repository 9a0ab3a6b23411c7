/** `workspace-gitops simulator`: run the local Workspace API simulator until SIGINT/SIGTERM. */
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError, EXIT } from '../../errors.js';
import { DOMAIN_TYPES, type DomainType } from '../../workspace/order-schema.js';
import { startSimulator } from '../../simulator/index.js';
import type { FaultConfig } from '../../simulator/index.js';
import type { CommandContext } from '../main.js';

/** The secret key never comes from a flag: flags show up in `ps`. */
export const SK_ENV = 'WORKSPACE_SIMULATOR_SK';
export const TOKEN_ENV = 'WORKSPACE_SIMULATOR_TOKEN';

interface SimulatorFlags {
  listen: string;
  data?: string;
  projectId?: string;
  domainType: string;
  provisionDelay?: string;
  rateLimit?: string;
  latency?: string;
  errorRate?: string;
  throttleRate?: string;
  dropAfterAccept?: string;
  errorAfterAccept?: string;
  ak?: string;
  tokenEnv?: string;
}

function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen ${value} is not HOST:PORT`, 'for example --listen 127.0.0.1:8787 (port 0 picks a free port)');
  return { host: m[1] ?? m[2]!, port };
}

function integer(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${flag} ${value} is not a whole number >= ${min}`);
  return Number(value);
}

function fraction(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} ${value} is not a fraction from 0 to 1`);
  return n;
}

function faultsOf(flags: SimulatorFlags): FaultConfig {
  const entries: [keyof FaultConfig, number | undefined][] = [
    ['latencyMs', integer('--latency', flags.latency, 0)],
    ['errorRate', fraction('--error-rate', flags.errorRate)],
    ['throttleRate', fraction('--throttle-rate', flags.throttleRate)],
    ['dropAfterAcceptRate', fraction('--drop-after-accept', flags.dropAfterAccept)],
    ['errorAfterAcceptRate', fraction('--error-after-accept', flags.errorAfterAccept)],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

function authOf(flags: SimulatorFlags, env: Record<string, string | undefined>) {
  const out: { credentials?: { accessKey: string; secretKey: string }; authToken?: string } = {};
  if (flags.ak !== undefined) {
    const sk = env[SK_ENV];
    if (!sk) throw new UsageError(`--ak needs the secret key in the environment variable ${SK_ENV}`, 'the secret key is never taken from a flag, because flags show up in the process list');
    out.credentials = { accessKey: flags.ak, secretKey: sk };
  }
  const tokenVar = flags.tokenEnv ?? TOKEN_ENV;
  const token = env[tokenVar];
  if (flags.tokenEnv !== undefined && !token) throw new UsageError(`--token-env ${flags.tokenEnv}: that environment variable is not set`);
  if (token) out.authToken = token;
  return out;
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    signal.addEventListener('abort', () => done(), { once: true });
  });
}

export function registerSimulatorCommand(program: Command, ctx: CommandContext): void {
  program
    .command('simulator')
    .description('run the local Workspace API simulator (Workspace and BSS paths on one server)')
    .option('--listen <host:port>', 'address to listen on (port 0 picks a free one)', '127.0.0.1:8787')
    .option('--data <file>', 'persist orders to this JSON-lines event log (default: in memory)')
    .option('--project-id <id>', 'answer 404 for any other project id')
    .option('--domain-type <type>', 'LITE_AD or LOCAL_AD: decides the user_name rules', 'LOCAL_AD')
    .option('--provision-delay <ms>', 'time from payment until resources show in the read APIs', '0')
    .option('--rate-limit <n>', 'requests per second per API before 429 APIGW.0308')
    .option('--latency <ms>', 'added before answering every API request')
    .option('--error-rate <f>', 'fraction of API requests answered 500/502/503 without doing anything')
    .option('--throttle-rate <f>', 'fraction of API requests answered 429')
    .option('--drop-after-accept <f>', 'fraction of orders accepted and then left without a response')
    .option('--error-after-accept <f>', 'fraction of orders accepted and then answered 500')
    .option('--ak <access-key>', `require SDK-HMAC-SHA256 signatures; the secret key comes from ${SK_ENV}`)
    .option('--token-env <name>', `accept X-Auth-Token equal to this environment variable (default ${TOKEN_ENV} when set)`)
    .action(async (flags: SimulatorFlags) => {
      const { host, port } = parseListen(flags.listen);
      if (!(DOMAIN_TYPES as readonly string[]).includes(flags.domainType)) {
        throw new UsageError(`--domain-type ${flags.domainType} is not one of ${DOMAIN_TYPES.join(', ')}`);
      }
      const rateLimit = integer('--rate-limit', flags.rateLimit, 1);
      const running = await startSimulator({
        host,
        port,
        domainType: flags.domainType as DomainType,
        provisionDelayMs: integer('--provision-delay', flags.provisionDelay, 0) ?? 0,
        faults: faultsOf(flags),
        ...authOf(flags, ctx.io.env),
        ...(flags.projectId === undefined ? {} : { projectId: flags.projectId }),
        ...(rateLimit === undefined ? {} : { rateLimit }),
        ...(flags.data === undefined ? {} : { dataFile: isAbsolute(flags.data) ? flags.data : resolve(ctx.io.cwd, flags.data) }),
        now: () => ctx.io.now(),
      });
      ctx.io.stdout(`Workspace simulator listening on ${running.url}\n`);
      await waitForAbort(ctx.io.signal);
      await running.close();
      ctx.exitCode = EXIT.ok;
    });
}
