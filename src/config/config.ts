/** workspace-gitops.yaml → a typed Config, with flags and environment applied over the file. */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { compareDiagnostics, type Diagnostic } from '../diagnostics.js';
import { InputError } from '../errors.js';
import { compile } from '../validation/ajv.js';
import { problemsFromAjv } from '../validation/problems.js';
import { parseYaml, readYamlFile } from '../source/index.js';
import type { DomainType, PeriodUnit } from '../workspace/order-schema.js';
import { PERIOD_NUM_MAX } from '../workspace/order-schema.js';
import { ConfigFile } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'workspace-gitops.yaml';
export const RUNTIME_DIR = '.workspace-gitops';

export interface Billing {
  period_type: PeriodUnit;
  period_num: number;
  is_auto_renew: boolean;
  is_auto_pay: boolean;
}

export interface Config {
  /** The config file read, when there was one. */
  file: string | undefined;
  /** Folder of the config file (or the working folder): relative paths resolve against it. */
  root: string;
  region: string | undefined;
  projectId: string | undefined;
  enterpriseProjectId: string;
  desiredStateDir: string;
  policiesDir: string;
  /** State backend location, e.g. `file:/abs/.workspace-gitops/state.json`. */
  state: string;
  endpoint: string | undefined;
  bssEndpoint: string | undefined;
  billing: Billing;
  domainType: DomainType;
  /** Where runtime files (state, simulator data, caches) live. */
  runtimeDir: string;
}

export interface ConfigOverrides {
  config?: string;
  dir?: string;
  policies?: string;
  state?: string;
  endpoint?: string;
}

const SECRET_KEYS = /^(ak|sk|access_?key|secret(_?key)?|security_?token|token|auth_?token|password)$/i;

export const DEFAULT_BILLING: Billing = { period_type: 'month', period_num: 1, is_auto_renew: true, is_auto_pay: false };

function bssFor(region: string | undefined): string | undefined {
  if (!region) return undefined;
  return region.startsWith('cn-') ? 'https://bss.myhuaweicloud.com' : 'https://bss-intl.myhuaweicloud.com';
}

/** 'file', 'folder' or undefined when nothing is there. */
async function kindOf(file: string): Promise<'file' | 'folder' | undefined> {
  try {
    return (await stat(file)).isDirectory() ? 'folder' : 'file';
  } catch {
    return undefined;
  }
}

function resolveState(value: string, root: string): string {
  if (/^postgres(ql)?:\/\//.test(value)) return value;
  const raw = value.startsWith('file:') ? value.slice('file:'.length) : value;
  return `file:${path.resolve(root, raw)}`;
}

/** Parse and check a config file's text. Exported for tests; `loadConfig` is the entry point. */
export function checkConfigDocument(file: string, value: unknown, locate: (p: (string | number)[], mode?: 'key' | 'value') => { line: number; column: number }): { config: ConfigFile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const validate = compile<ConfigFile>(ConfigFile);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push({ file, line: 1, column: 1, severity: 'error', rule: 'document-shape', message: 'the config must be a mapping of keys', allowed: 'keys of design §2' });
    return { config: {}, diagnostics };
  }
  const valid = validate(value);
  if (!valid) {
    for (const p of problemsFromAjv(validate.errors)) {
      const key = p.path[p.path.length - 1];
      const secret = p.rule === 'unknown-field' && typeof key === 'string' && SECRET_KEYS.test(key);
      diagnostics.push({
        file,
        ...locate(p.path, p.rule === 'unknown-field' ? 'key' : 'value'),
        severity: 'error',
        rule: secret ? 'secret-in-config' : p.rule,
        message: secret ? `"${key}" looks like a credential; credentials are never read from the config file` : p.message,
        ...(secret
          ? { allowed: 'HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK / HUAWEICLOUD_SDK_SECURITY_TOKEN or WORKSPACE_AUTH_TOKEN in the environment' }
          : p.allowed === undefined
            ? {}
            : { allowed: p.allowed }),
      });
    }
  }
  // Checked even when other keys are wrong, so one run shows every problem of the file.
  const billing = (value as { billing?: unknown }).billing as { period_type?: unknown; period_num?: unknown } | undefined;
  if (billing?.period_type === 'year' && typeof billing.period_num === 'number' && billing.period_num > PERIOD_NUM_MAX.year) {
    diagnostics.push({ file, ...locate(['billing', 'period_num']), severity: 'error', rule: 'period-num', message: `${billing.period_num} years is more than ${PERIOD_NUM_MAX.year}`, allowed: `1-${PERIOD_NUM_MAX.year} years or 1-${PERIOD_NUM_MAX.month} months` });
  }
  return { config: valid ? value : {}, diagnostics: diagnostics.sort(compareDiagnostics) };
}

/**
 * Loads the config: `-C FILE` when given (it must exist), else `workspace-gitops.yaml` in `cwd` when
 * present, else defaults rooted at `cwd`. Flags win over the environment, which wins over the file.
 */
export async function loadConfig(cwd: string, overrides: ConfigOverrides, env: Record<string, string | undefined>): Promise<Config> {
  const explicit = overrides.config !== undefined;
  const candidate = path.resolve(cwd, overrides.config ?? DEFAULT_CONFIG_FILE);
  let fileConfig: ConfigFile = {};
  let file: string | undefined;
  const found = await kindOf(candidate);
  if (found === 'folder') {
    throw new InputError(`the config file ${overrides.config ?? DEFAULT_CONFIG_FILE} is a folder`, [], 'point -C at the workspace-gitops.yaml file itself');
  }
  if (found === 'file') {
    file = candidate;

    const source = await readYamlFile(candidate, { displayRoot: cwd, maxFileBytes: 1024 * 1024 });
    if (!('text' in source)) throw new InputError(`the config file ${source.file} cannot be read`, [source]);
    const parsed = parseYaml(source);
    if (parsed.diagnostics.length > 0) throw new InputError(`the config file ${source.file} is not valid YAML`, parsed.diagnostics);
    const doc = parsed.documents[0];
    if (parsed.documents.length > 1) {
      const second = parsed.documents[1]!;
      throw new InputError(`the config file ${source.file} holds more than one document`, [{ ...second.locate([]), severity: 'error', rule: 'document-count', message: 'only one YAML document is allowed', allowed: 'a single mapping' }]);
    }
    if (doc) {
      const checked = checkConfigDocument(source.file, doc.value, (p, mode) => doc.locate(p, mode));
      if (checked.diagnostics.length > 0) throw new InputError(`the config file ${source.file} is not valid`, checked.diagnostics);
      fileConfig = checked.config;
    }
  } else if (explicit) {
    throw new InputError(`the config file ${overrides.config} does not exist`, [], `create it (see the example workspace-gitops.yaml) or leave out -C to use defaults`);
  }
  const root = file ? path.dirname(file) : cwd;
  const fromCwd = (p: string) => path.resolve(cwd, p);
  const fromRoot = (p: string) => path.resolve(root, p);
  const region = fileConfig.region;
  const endpoint = overrides.endpoint ?? env['WORKSPACE_ENDPOINT'] ?? fileConfig.endpoint ?? (region ? `https://workspace.${region}.myhuaweicloud.com` : undefined);
  return {
    file,
    root,
    region,
    projectId: env['HUAWEICLOUD_SDK_PROJECT_ID'] ?? fileConfig.project_id,
    enterpriseProjectId: fileConfig.enterprise_project_id ?? '0',
    desiredStateDir: overrides.dir !== undefined ? fromCwd(overrides.dir) : fromRoot(fileConfig.desired_state ?? 'desired-state'),
    policiesDir: overrides.policies !== undefined ? fromCwd(overrides.policies) : fromRoot(fileConfig.policies ?? 'policies'),
    state: overrides.state !== undefined ? resolveState(overrides.state, cwd) : resolveState(fileConfig.state ?? `file:${RUNTIME_DIR}/state.json`, root),
    endpoint,
    bssEndpoint: env['WORKSPACE_BSS_ENDPOINT'] ?? fileConfig.bss_endpoint ?? bssFor(region),
    billing: { ...DEFAULT_BILLING, ...fileConfig.billing },
    domainType: fileConfig.domain_type ?? 'LOCAL_AD',
    runtimeDir: path.join(root, RUNTIME_DIR),
  };
}
