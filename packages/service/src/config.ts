import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseApiTokens } from './access/api-tokens.js';
import { decodeWebhookSecret } from './alerts/authentication/standard-webhooks.js';
import { parseRefundCeilings } from './processing/decision-rules.js';

/**
 * Outside development an HMAC key has at least this many bytes. The Standard Webhooks
 * specification asks for secrets of 24 to 64 random bytes (spec.md, "Signature scheme",
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md);
 * 32 bytes matches the SHA-256 the signature uses.
 */
export const MIN_HMAC_SECRET_BYTES = 32;

/**
 * Variables that may instead be given as `NAME_FILE`, a path whose content is the value. That is
 * how Kubernetes mounts Secrets, and it keeps secrets out of `env` listings.
 */
const SECRET_VARIABLES = [
  'DATABASE_URL',
  'PSP_API_KEY',
  'WEBHOOK_HMAC_SECRETS',
  // Not secret, but delivered with Ethoca's client CA at onboarding, so mounted the same way.
  'WEBHOOK_ALLOWED_SUBJECT_DNS',
  'API_TOKENS',
  'TLS_KEY',
  'TLS_CERT',
  'TLS_CLIENT_CA',
  'MASTERCARD_SIGNING_KEY_P12_PASSWORD',
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

    WEBHOOK_BODY_LIMIT_BYTES: integer(256 * 1024, 1024, 10 * 1024 * 1024),
    WEBHOOK_MAX_ALERTS_PER_DELIVERY: integer(100, 1, 1000),
    WEBHOOK_MAX_IN_FLIGHT: integer(128, 1, 100_000),
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

    // Signing of requests to Mastercard's APIs (Ethoca Outcome API, Mastercom): the consumer key
    // of the Mastercard Developers project and its private key, from the PKCS#12 file the portal
    // issues or from a PEM file.
    MASTERCARD_CONSUMER_KEY: z.string().optional(),
    MASTERCARD_SIGNING_KEY_P12_PATH: z.string().optional(),
    MASTERCARD_SIGNING_KEY_P12_PASSWORD: z.string().optional(),
    MASTERCARD_SIGNING_KEY_ALIAS: z.string().optional(),
    MASTERCARD_SIGNING_KEY_PEM_PATH: z.string().optional(),

    // Mastercom v6, e.g. https://sandbox.api.mastercard.com/mastercom. Without it the queue sync
    // is off and the case and document APIs answer 503 (development only; pnpm start provides a
    // simulator).
    MASTERCOM_URL: z.url().optional(),
    MASTERCOM_TIMEOUT_MS: integer(20_000, 100, 120_000),
    MASTERCOM_MAX_ATTEMPTS: integer(4, 1, 10),
    MASTERCOM_BACKOFF_BASE_MS: integer(500, 10, 60_000),
    MASTERCOM_BACKOFF_CAP_MS: integer(30_000, 100, 600_000),
    MASTERCOM_SYNC_INTERVAL_SECONDS: integer(300, 5, 86_400),
    MASTERCOM_QUEUES: list(',').transform((queues) =>
      queues.length === 0 ? ['Unworked'] : queues,
    ),
    // How far back the first read of a queue reaches; later reads start at the saved watermark.
    MASTERCOM_SYNC_LOOKBACK_DAYS: integer(30, 1, 730),
    // Mastercard API keys expire after 13 months; /health warns 30 days ahead.
    MASTERCOM_KEY_EXPIRES_AT: z.iso.date('must be a date, yyyy-mm-dd').optional(),
    // Mastercom takes at most 22,000,000 base64 characters per file, i.e. 16,500,000 bytes.
    MASTERCOM_DOCUMENT_MAX_BYTES: integer(16_500_000, 1024, 16_500_000),

    SERVICE_ROLE: z.enum(['web', 'worker', 'all']).default('all'),
    WORKER_CONCURRENCY: integer(4, 1, 64),
    PSP_URL: z.url().optional(),
    PSP_API_KEY: z.string().optional(),
    PSP_TIMEOUT_MS: integer(10_000, 100, 60_000),
    ETHOCA_OUTCOME_URL: z.url().optional(),
    ETHOCA_TIMEOUT_MS: integer(10_000, 100, 60_000),
    OUTCOME_BATCH_SIZE: integer(25, 1, 25),
    OUTCOME_FLUSH_INTERVAL_MS: integer(500, 50, 60_000),
    OUTCOME_CONCURRENCY: integer(4, 1, 16),
    OUTCOME_LEASE_MS: integer(60_000, 1000, 3_600_000),
    OUTCOME_BACKOFF_BASE_MS: integer(1000, 10, 600_000),
    OUTCOME_BACKOFF_CAP_MS: integer(300_000, 100, 3_600_000),
    OUTCOME_RETRY_BUDGET_HOURS: z.coerce.number().positive().max(24).default(12),
    REFUND_CEILINGS: z
      .string()
      .default('USD=500,EUR=500,GBP=400,CAD=650,AUD=750,JPY=75000')
      .transform((text, ctx) => {
        try {
          return parseRefundCeilings(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    MATCH_WINDOW_HOURS: integer(26, 1, 72),
    UNMATCHED_HOLD_MINUTES: integer(0, 0, 20 * 60),
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
    const keyFiles = [
      env.MASTERCARD_SIGNING_KEY_P12_PATH,
      env.MASTERCARD_SIGNING_KEY_PEM_PATH,
    ].filter((path) => path !== undefined).length;
    if (keyFiles === 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['MASTERCARD_SIGNING_KEY_PEM_PATH'],
        message: 'name one signing key file: the PKCS#12 file or the PEM file',
      });
    }
    if (env.MASTERCARD_CONSUMER_KEY !== undefined && keyFiles === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['MASTERCARD_SIGNING_KEY_P12_PATH'],
        message:
          'MASTERCARD_CONSUMER_KEY needs a signing key: MASTERCARD_SIGNING_KEY_P12_PATH or MASTERCARD_SIGNING_KEY_PEM_PATH',
      });
    }
    if (env.MASTERCARD_CONSUMER_KEY === undefined && keyFiles > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['MASTERCARD_CONSUMER_KEY'],
        message: 'a Mastercard signing key needs its consumer key',
      });
    }
    if (
      env.MASTERCARD_SIGNING_KEY_P12_PATH !== undefined &&
      env.MASTERCARD_SIGNING_KEY_P12_PASSWORD === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['MASTERCARD_SIGNING_KEY_P12_PASSWORD'],
        message: 'a PKCS#12 signing key needs its password',
      });
    }
    if (env.DATABASE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message:
          'the service needs DATABASE_URL; for development, `pnpm start` runs it on an embedded PostgreSQL (packages/devstack)',
      });
    }
    const development = env.NODE_ENV === 'development';
    for (const problem of parseApiTokens(env.API_TOKENS, development).problems) {
      ctx.addIssue({ code: 'custom', path: ['API_TOKENS'], message: problem });
    }
    if (development) return;
    env.WEBHOOK_HMAC_SECRETS.forEach((secret, index) => {
      let bytes: number;
      try {
        bytes = decodeWebhookSecret(secret).length;
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['WEBHOOK_HMAC_SECRETS'],
          message: `secret ${index + 1} ${(error as Error).message}`,
        });
        return;
      }
      if (bytes < MIN_HMAC_SECRET_BYTES) {
        ctx.addIssue({
          code: 'custom',
          path: ['WEBHOOK_HMAC_SECRETS'],
          message: `secret ${index + 1} is a ${bytes}-byte key; outside development a key has at least ${MIN_HMAC_SECRET_BYTES} random bytes (whsec_ + base64)`,
        });
      }
    });
    // A certificate from the CA alone is not enough: anyone the CA ever signed for could deliver
    // alerts that trigger refunds. Outside development the subject must be on the list too.
    if (
      (env.TLS_CLIENT_CA !== undefined || env.WEBHOOK_TRUSTED_PROXIES.length > 0) &&
      env.WEBHOOK_ALLOWED_SUBJECT_DNS.length === 0
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_ALLOWED_SUBJECT_DNS'],
        message:
          'outside development mTLS (TLS_CLIENT_CA) and WEBHOOK_TRUSTED_PROXIES need the allowed client certificate subjects, e.g. CN=alerts.ethoca.com,O=Mastercard',
      });
    }
    if (env.SERVICE_ROLE !== 'web') {
      for (const [name, value] of [
        ['PSP_URL', env.PSP_URL],
        ['ETHOCA_OUTCOME_URL', env.ETHOCA_OUTCOME_URL],
        ['MASTERCARD_CONSUMER_KEY', env.MASTERCARD_CONSUMER_KEY],
      ] as const) {
        if (value === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `the ${env.SERVICE_ROLE} role needs ${name} outside development`,
          });
        }
      }
    }
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
        message: 'outside development the operator API needs bearer tokens (role:token,...)',
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
