import { readFileSync } from 'node:fs';
import { DOCUMENT_MAX_BYTES } from '@mastercom/contracts';
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
export const SECRET_VARIABLES = [
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

export const environmentSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'test', 'production'])
      .default('development')
      .describe(
        'Outside `development` the service refuses to start without webhook authentication and API tokens; `production` also needs `DATABASE_URL`.',
      ),
    SERVICE_VERSION: z
      .string()
      .default('0.1.0')
      .describe(
        'Version reported on the start line, in `/health` and to Datadog as the service version.',
      ),
    HOST: z.string().default('0.0.0.0').describe('Address the HTTP server listens on.'),
    PORT: integer(8080, 0, 65535).describe('Port the HTTP server listens on; 0 picks a free one.'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe(
        'pino level. Logs are JSON lines with a request id; credentials are redacted and card numbers masked.',
      ),

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional()
      .describe(
        'PostgreSQL connection URL; required in every environment. `pnpm start` (packages/devstack) supplies an embedded PostgreSQL for development.',
      ),
    DATABASE_POOL_MAX: integer(10, 1, 200).describe(
      'Most connections in the pool of one process (1 to 200).',
    ),
    DATABASE_CONNECT_TIMEOUT_MS: integer(3000, 100, 60_000).describe(
      'Milliseconds to wait for a new database connection; with the statement timeout it decides how fast a sick database turns into a 503.',
    ),
    DATABASE_STATEMENT_TIMEOUT_MS: integer(5000, 100, 600_000).describe(
      "PostgreSQL `statement_timeout` in milliseconds for the service's statements.",
    ),
    DATABASE_MIGRATE_ON_START: booleanFlag(true).describe(
      'Apply migrations at start. With `false`, run `pnpm --filter @mastercom/service migrate` before a release.',
    ),

    WEBHOOK_BODY_LIMIT_BYTES: integer(256 * 1024, 1024, 10 * 1024 * 1024).describe(
      'Largest webhook delivery in bytes; a larger body gets 413 before it is buffered.',
    ),
    WEBHOOK_MAX_ALERTS_PER_DELIVERY: integer(100, 1, 1000).describe(
      'Most alerts in one delivery; more are refused.',
    ),
    WEBHOOK_MAX_IN_FLIGHT: integer(128, 1, 100_000).describe(
      'Deliveries worked on at once by one process; past it the webhook answers 503 with `Retry-After` at once instead of queueing.',
    ),
    WEBHOOK_HMAC_SECRETS: list(/[\s,]+/).describe(
      'Standard Webhooks secrets (`whsec_` + base64), separated by commas or spaces so a rotation can accept two. Outside development each has at least 32 bytes.',
    ),
    WEBHOOK_HMAC_TOLERANCE_SECONDS: integer(300, 1, 3600).describe(
      "How far in seconds a signed delivery's `webhook-timestamp` may be from now before it is refused as a replay.",
    ),
    WEBHOOK_TRUSTED_PROXIES: list(',').describe(
      "Addresses or CIDRs (comma-separated) of the ingress that terminates Ethoca's mTLS; only from them are the forwarded verdict and subject trusted.",
    ),
    WEBHOOK_PROXY_VERIFY_HEADER: z
      .string()
      .default('x-client-verify')
      .describe('Header in which the trusted ingress forwards its client-certificate verdict.'),
    WEBHOOK_PROXY_SUBJECT_HEADER: z
      .string()
      .default('x-client-subject-dn')
      .describe(
        "Header in which the trusted ingress forwards the client certificate's subject DN.",
      ),
    WEBHOOK_ALLOWED_SUBJECT_DNS: list(/[;\n]/).describe(
      'Client certificate subjects allowed to deliver, separated by `;` or newlines (DNs contain commas). Required outside development with `TLS_CLIENT_CA` or `WEBHOOK_TRUSTED_PROXIES`.',
    ),
    ETHOCA_MEMBER_TIMEZONE: z
      .string()
      .default('UTC')
      .refine(isTimeZone, 'must be an IANA time zone such as UTC or America/New_York')
      .describe('IANA time zone of the timestamps Ethoca sends without an offset.'),

    TLS_CERT: z
      .string()
      .optional()
      .describe('PEM server certificate; with `TLS_KEY` the service terminates TLS itself.'),
    TLS_KEY: z.string().optional().describe('PEM private key of `TLS_CERT`.'),
    TLS_CLIENT_CA: z
      .string()
      .optional()
      .describe(
        "PEM CA that Ethoca's client certificates are verified against (mTLS in the service); needs `TLS_CERT` and `TLS_KEY`.",
      ),

    API_TOKENS: list(/[\s,]+/).describe(
      'Bearer tokens as `role:token`, comma-separated: `read` looks, `agent` also decides alerts and works cases, `ledger` only imports transactions, `admin` does all. Outside development each needs a role and 32+ characters; in development a bare token is `read`.',
    ),

    MASTERCARD_CONSUMER_KEY: z
      .string()
      .optional()
      .describe(
        'Consumer key of the Mastercard Developers project that signs (OAuth 1.0a) calls to the Outcome API and Mastercom; needs a signing key. Required outside development by the worker.',
      ),
    MASTERCARD_SIGNING_KEY_P12_PATH: z
      .string()
      .optional()
      .describe(
        'Path of the PKCS#12 signing key file the Mastercard portal issues; needs its password.',
      ),
    MASTERCARD_SIGNING_KEY_P12_PASSWORD: z
      .string()
      .optional()
      .describe('Password of the PKCS#12 signing key file.'),
    MASTERCARD_SIGNING_KEY_ALIAS: z
      .string()
      .optional()
      .describe('Alias of the key inside the PKCS#12 file, when it holds more than one.'),
    MASTERCARD_SIGNING_KEY_PEM_PATH: z
      .string()
      .optional()
      .describe(
        'Path of the signing key as a PEM file, instead of the PKCS#12 file (name one of the two).',
      ),

    MASTERCOM_URL: z
      .url()
      .optional()
      .describe(
        'Mastercom v6 base URL, e.g. `https://sandbox.api.mastercard.com/mastercom`. Without it the queue sync is off and the case and document APIs answer 503; `pnpm start` runs a simulator.',
      ),
    MASTERCOM_TIMEOUT_MS: integer(20_000, 100, 120_000).describe(
      'Per-attempt timeout of a Mastercom call in milliseconds.',
    ),
    MASTERCOM_MAX_ATTEMPTS: integer(4, 1, 10).describe(
      'Attempts per Mastercom call on 429, 5xx or timeout.',
    ),
    MASTERCOM_BACKOFF_BASE_MS: integer(500, 10, 60_000).describe(
      'First retry delay of a Mastercom call in milliseconds, doubled per attempt with full jitter.',
    ),
    MASTERCOM_BACKOFF_CAP_MS: integer(30_000, 100, 600_000).describe(
      'Longest retry delay of a Mastercom call in milliseconds; a longer `Retry-After` ends the call until the next run.',
    ),
    MASTERCOM_SYNC_INTERVAL_SECONDS: integer(300, 5, 86_400).describe(
      'Seconds between two reads of the Mastercom queues by the worker.',
    ),
    MASTERCOM_QUEUES: list(',')
      .transform((queues) => (queues.length === 0 ? ['Unworked'] : queues))
      .describe('Mastercom queues the worker reads, comma-separated.'),
    MASTERCOM_SYNC_LOOKBACK_DAYS: integer(30, 1, 730).describe(
      'How many days back the first read of a queue reaches; later reads start at the saved watermark.',
    ),
    MASTERCOM_KEY_EXPIRES_AT: z.iso
      .date('must be a date, yyyy-mm-dd')
      .optional()
      .describe(
        'Expiry date (yyyy-mm-dd) of the Mastercard API key, which lasts 13 months; `/health` and a metric warn 30 days ahead.',
      ),
    MASTERCOM_DOCUMENT_MAX_BYTES: integer(DOCUMENT_MAX_BYTES, 1024, DOCUMENT_MAX_BYTES).describe(
      'Largest document in bytes; Mastercom takes at most 22,000,000 base64 characters, i.e. 16,500,000 bytes.',
    ),

    SERVICE_ROLE: z
      .enum(['web', 'worker', 'all'])
      .default('all')
      .describe(
        '`web` receives alerts and serves the API, `worker` processes alerts and sends outcomes, `all` does both. Every role serves the health endpoints.',
      ),
    WORKER_CONCURRENCY: integer(4, 1, 64).describe(
      'Alert job batches a worker processes in parallel.',
    ),
    PSP_URL: z
      .url()
      .optional()
      .describe(
        'Base URL of the PSP refund API; required outside development by the worker. `pnpm start` runs a simulator.',
      ),
    PSP_API_KEY: z.string().optional().describe('API key sent to the PSP refund API.'),
    PSP_TIMEOUT_MS: integer(10_000, 100, 60_000).describe('Timeout of a PSP call in milliseconds.'),
    ETHOCA_OUTCOME_URL: z
      .url()
      .optional()
      .describe(
        "Base URL of Ethoca's Outcome API, e.g. `https://sandbox.api.ethocaweb.com`; required outside development by the worker. `pnpm start` runs a simulator.",
      ),
    ETHOCA_TIMEOUT_MS: integer(10_000, 100, 60_000).describe(
      'Timeout of an Outcome API call in milliseconds.',
    ),
    OUTCOME_BATCH_SIZE: integer(25, 1, 25).describe(
      'Outcomes per Outcome API call; Ethoca takes at most 25.',
    ),
    OUTCOME_FLUSH_INTERVAL_MS: integer(500, 50, 60_000).describe(
      'Milliseconds the dispatcher waits between looks for due outcomes.',
    ),
    OUTCOME_CONCURRENCY: integer(4, 1, 16).describe(
      'Outcome API calls in flight while a backlog of full batches drains.',
    ),
    OUTCOME_LEASE_MS: integer(60_000, 1000, 3_600_000).describe(
      'How long in milliseconds an unanswered call holds its outcomes; after a crash they are sent again once it runs out. At least twice `ETHOCA_TIMEOUT_MS`.',
    ),
    OUTCOME_BACKOFF_BASE_MS: integer(1000, 10, 600_000).describe(
      'First retry delay of an outcome in milliseconds, doubled per attempt with full jitter and never sooner than `Retry-After`.',
    ),
    OUTCOME_BACKOFF_CAP_MS: integer(300_000, 100, 3_600_000).describe(
      'Longest retry delay of an outcome in milliseconds.',
    ),
    OUTCOME_RETRY_BUDGET_HOURS: z.coerce
      .number()
      .positive()
      .max(24)
      .default(12)
      .describe(
        "Hours after receipt after which an undelivered outcome is dead-lettered (`OUTCOME_FAILED`); at most 24, Ethoca's window.",
      ),
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
      })
      .describe(
        'Largest amount refunded without a human, per currency, as `CUR=amount` in major units; above it the outcome is `UNRESOLVED_DISPUTE`.',
      ),
    MATCH_WINDOW_HOURS: integer(26, 1, 72).describe(
      "Hours either side of the alert's transaction time within which a transaction may match by card and amount.",
    ),
    UNMATCHED_HOLD_MINUTES: integer(0, 0, 20 * 60).describe(
      'Minutes an unmatched alert waits for an agent before the rules decide it without a transaction (`NOT_FOUND`); 0 decides at once.',
    ),
    SHUTDOWN_GRACE_MS: integer(10_000, 0, 120_000).describe(
      "Milliseconds requests and jobs in flight may finish after SIGTERM; Kubernetes' `terminationGracePeriodSeconds` covers it.",
    ),
    HEADERS_TIMEOUT_MS: integer(10_000, 1000, 10_000).describe(
      'Milliseconds a client has to send its request headers before the socket is closed (slowloris); at most 10 s.',
    ),
    REQUEST_TIMEOUT_MS: integer(30_000, 1000, 30_000).describe(
      "Milliseconds a client has to send a whole request; at most 30 s, Ethoca's acknowledgement budget.",
    ),

    DD_AGENT_HOST: z
      .string()
      .optional()
      .describe(
        'Datadog agent host for DogStatsD metrics (`mastercom.*`) and traces; without it metrics are dropped.',
      ),
    DD_DOGSTATSD_PORT: integer(8125, 1, 65535).describe('DogStatsD port of the Datadog agent.'),
    DD_TRACE_ENABLED: booleanFlag(false).describe(
      'Trace with dd-trace, which must then be loaded first (`node --import dd-trace/initialize.mjs`); the service refuses to start otherwise.',
    ),
    DD_ENV: z
      .string()
      .optional()
      .describe('Datadog `env` tag of metrics and traces, e.g. `staging`.'),
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
    // The lease runs from the claim's commit; a call may be answered until its timeout, and then
    // its outcomes are settled. A lease that ends first lets the next claim send them again.
    if (env.OUTCOME_LEASE_MS < 2 * env.ETHOCA_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['OUTCOME_LEASE_MS'],
        message: `must be at least twice ETHOCA_TIMEOUT_MS (${String(2 * env.ETHOCA_TIMEOUT_MS)}), or a slow call's outcomes are claimed and sent again before it is answered`,
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
