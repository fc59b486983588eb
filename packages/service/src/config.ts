import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Variables that may instead be given as `NAME_FILE`, a path whose content is the value. That is
 * how Kubernetes mounts Secrets, and it keeps secrets out of `env` listings.
 */
const SECRET_VARIABLES = [
  'DATABASE_URL',
  'WEBHOOK_HMAC_SECRETS',
  'API_TOKENS',
  'TLS_KEY',
  'TLS_CERT',
  'TLS_CLIENT_CA',
] as const;

const list = (separator: string | RegExp) =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(separator)
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    );

const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    SERVICE_VERSION: z.string().default('0.1.0'),
    HOST: z.string().default('0.0.0.0'),
    PORT: integer(8080, 0, 65535),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATABASE_POOL_MAX: integer(10, 1, 200),
    DATABASE_CONNECT_TIMEOUT_MS: integer(3000, 100, 60_000),
    DATABASE_STATEMENT_TIMEOUT_MS: integer(5000, 100, 600_000),
    DATABASE_MIGRATE_ON_START: booleanFlag(true),
    EMBEDDED_POSTGRES_DIR: z.string().default('.data/postgres'),

    WEBHOOK_BODY_LIMIT_BYTES: integer(256 * 1024, 1024, 10 * 1024 * 1024),
    WEBHOOK_MAX_ALERTS_PER_DELIVERY: integer(100, 1, 1000),
    WEBHOOK_HMAC_SECRETS: list(/[\s,]+/),
    WEBHOOK_HMAC_TOLERANCE_SECONDS: integer(300, 1, 3600),
    WEBHOOK_TRUSTED_PROXIES: list(','),
    WEBHOOK_PROXY_VERIFY_HEADER: z.string().default('x-client-verify'),
    WEBHOOK_PROXY_SUBJECT_HEADER: z.string().default('x-client-subject-dn'),
    // Distinguished names contain commas, so the allow-list is separated by `;` or newlines.
    WEBHOOK_ALLOWED_SUBJECT_DNS: list(/[;\n]/),
    ETHOCA_MEMBER_TIMEZONE: z
      .string()
      .default('UTC')
      .refine(isTimeZone, 'must be an IANA time zone such as UTC or America/New_York'),

    TLS_CERT: z.string().optional(),
    TLS_KEY: z.string().optional(),
    TLS_CLIENT_CA: z.string().optional(),

    API_TOKENS: list(/[\s,]+/),

    SHUTDOWN_GRACE_MS: integer(10_000, 0, 120_000),
    HEADERS_TIMEOUT_MS: integer(10_000, 1000, 10_000),
    REQUEST_TIMEOUT_MS: integer(30_000, 1000, 30_000),

    DD_AGENT_HOST: z.string().optional(),
    DD_DOGSTATSD_PORT: integer(8125, 1, 65535),
    DD_TRACE_ENABLED: booleanFlag(false),
    DD_ENV: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    const tlsParts = [env.TLS_CERT, env.TLS_KEY].filter((part) => part !== undefined).length;
    if (tlsParts === 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['TLS_CERT'],
        message: 'TLS_CERT and TLS_KEY go together',
      });
    }
    if (env.TLS_CLIENT_CA !== undefined && tlsParts !== 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['TLS_CLIENT_CA'],
        message: 'mTLS needs TLS_CERT and TLS_KEY too',
      });
    }
    if (env.NODE_ENV === 'development') return;
    const modes =
      (env.TLS_CLIENT_CA ? 1 : 0) +
      (env.WEBHOOK_TRUSTED_PROXIES.length > 0 ? 1 : 0) +
      (env.WEBHOOK_HMAC_SECRETS.length > 0 ? 1 : 0);
    if (modes === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_HMAC_SECRETS'],
        message:
          'outside development the webhook needs an authentication mode: TLS_CLIENT_CA (mTLS), WEBHOOK_TRUSTED_PROXIES (an ingress that verified mTLS) or WEBHOOK_HMAC_SECRETS',
      });
    }
    if (env.API_TOKENS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['API_TOKENS'],
        message: 'outside development the read API needs bearer tokens',
      });
    }
    if (env.NODE_ENV === 'production' && env.DATABASE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'production needs DATABASE_URL; the embedded database is for development',
      });
    }
  });

export type Config = z.infer<typeof environmentSchema>;

/** Every missing or invalid variable at once, so one restart fixes them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `NAME_FILE` secrets into `NAME`; a problem with one is reported with the others. */
function resolveSecretFiles(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
  problems: string[],
): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = { ...env };
  for (const name of SECRET_VARIABLES) {
    const path = env[`${name}_FILE`];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined) {
      problems.push(`${name} and ${name}_FILE are both set; keep one`);
      continue;
    }
    try {
      resolved[name] = readFile(path).trim();
    } catch (error) {
      problems.push(
        `${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
  }
  // An empty variable means "not set", as it does for most tools people use with .env files.
  for (const [key, value] of Object.entries(resolved)) if (value === '') resolved[key] = undefined;
  return resolved;
}

export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  // The path comes from the operator's environment (a mounted Secret), never from a request.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Config {
  const problems: string[] = [];
  const resolved = resolveSecretFiles(env, readFile, problems);
  const parsed = environmentSchema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.');
      const given = resolved[name];
      const shown =
        given === undefined
          ? 'missing'
          : SECRET_VARIABLES.some((secret) => secret === name)
            ? 'set'
            : JSON.stringify(given);
      problems.push(`${name}: ${issue.message} (${shown})`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
