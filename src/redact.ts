/** Secrets never reach output: every message shown to a user or written to a log passes through here. */

/** Environment variables whose values are secrets. */
export const SECRET_ENV_VARS = [
  'HUAWEICLOUD_SDK_SK',
  'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  'WORKSPACE_AUTH_TOKEN',
  'WORKSPACE_GITOPS_WEBHOOK_SECRET',
  'WORKSPACE_GITOPS_STATE_PASSWORD',
] as const;

const REDACTED = '[REDACTED]';

/** Header and field names whose values are secrets wherever they appear (logs, errors, dumps). */
const SECRET_PATTERNS: RegExp[] = [
  /(Signature=)[0-9a-f]{16,}/gi,
  /("?(?:x-auth-token|x-security-token|x-subject-token|authorization|sk|secret|password|token)"?\s*[:=]\s*"?)([^"\s,}]{4,})/gi,
  /(postgres(?:ql)?:\/\/[^:/@\s]+:)([^@\s]+)(@)/gi,
];

/** Replace known secret values (from the environment or given explicitly) and secret-looking fields. */
export function redactSecrets(text: string, env: Record<string, string | undefined> = process.env, extra: readonly string[] = []): string {
  let out = text;
  const values = [...SECRET_ENV_VARS.map((k) => env[k]), ...extra].filter((v): v is string => typeof v === 'string' && v.length >= 4);
  // Longest first, so a secret containing another is replaced whole.
  values.sort((a, b) => b.length - a.length);
  for (const v of values) out = out.split(v).join(REDACTED);
  out = out.replace(SECRET_PATTERNS[0]!, `$1${REDACTED}`);
  out = out.replace(SECRET_PATTERNS[1]!, `$1${REDACTED}`);
  out = out.replace(SECRET_PATTERNS[2]!, `$1${REDACTED}$3`);
  return out;
}
