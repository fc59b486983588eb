import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const noFiles = (path: string): string => {
  throw Object.assign(new Error(`no file ${path}`), { code: 'ENOENT' });
};

/** A token and an HMAC key long enough for production. */
const TOKEN_32 = 't'.repeat(32);
const HMAC_32 = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
/** Everything a web role needs outside development, so one test changes one thing. */
const PRODUCTION_WEB = {
  NODE_ENV: 'production',
  SERVICE_ROLE: 'web',
  DATABASE_URL: 'postgres://svc@db/mastercom',
  WEBHOOK_HMAC_SECRETS: HMAC_32,
  API_TOKENS: `admin:${TOKEN_32}`,
};

function problemsOf(env: Record<string, string | undefined>, readFile = noFiles): string[] {
  try {
    loadConfig(env, readFile);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('starts a development service with nothing but a database', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://dev@127.0.0.1/mastercom' }, noFiles);
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 8080,
      WEBHOOK_BODY_LIMIT_BYTES: 262_144,
    });
  });

  it('refuses to start without a database in any environment, pointing to pnpm start', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      expect(problemsOf({ NODE_ENV }).join('\n')).toMatch(
        /DATABASE_URL: the service needs DATABASE_URL; for development, `pnpm start` runs it on an embedded PostgreSQL/,
      );
    }
  });

  it('lists every missing or invalid variable at once, naming each', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    });
    const names = problems.map((problem) => problem.split(':')[0]);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL', 'DATABASE_URL']));
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses production without authentication, tokens or a database, in one error', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(
      /WEBHOOK_HMAC_SECRETS: outside development the webhook needs an authentication mode/,
    );
    expect(problems.join('\n')).toMatch(
      /API_TOKENS: outside development the operator API needs bearer tokens/,
    );
    expect(problems.join('\n')).toMatch(/DATABASE_URL: the service needs DATABASE_URL/);
  });

  it('makes the worker role name the PSP, Ethoca and the Mastercard key outside development', () => {
    const problems = problemsOf({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://svc@db/mastercom',
      SERVICE_ROLE: 'worker',
      WEBHOOK_HMAC_SECRETS: HMAC_32,
      API_TOKENS: `read:${TOKEN_32}`,
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'ETHOCA_OUTCOME_URL',
      'MASTERCARD_CONSUMER_KEY',
      'PSP_URL',
    ]);
  });

  it('refuses a malformed refund ceiling table, naming the entry', () => {
    expect(problemsOf({ REFUND_CEILINGS: 'USD=500,dollars' })).toEqual([
      expect.stringContaining('refund ceiling "dollars" is not CUR=amount'),
    ]);
  });

  it('reads secrets from *_FILE paths, trimmed', () => {
    const files: Record<string, string> = {
      '/run/secrets/db': 'postgres://svc@db/mastercom\n',
      '/run/secrets/tokens': `read:${TOKEN_32},admin:${TOKEN_32}x\n`,
    };
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        SERVICE_ROLE: 'web',
        DATABASE_URL_FILE: '/run/secrets/db',
        API_TOKENS_FILE: '/run/secrets/tokens',
        WEBHOOK_HMAC_SECRETS: HMAC_32,
      },
      (path) => files[path] ?? noFiles(path),
    );
    expect(config.DATABASE_URL).toBe('postgres://svc@db/mastercom');
    expect(config.API_TOKENS).toEqual([`read:${TOKEN_32}`, `admin:${TOKEN_32}x`]);
  });

  it('reports an unreadable secret file with the others and never echoes secret values', () => {
    const problems = problemsOf({
      API_TOKENS_FILE: '/missing',
      DATABASE_URL: 'not-a-url-with-password-hunter2',
    });
    expect(problems).toContain('API_TOKENS_FILE: cannot read /missing (ENOENT)');
    const database = problems.find((problem) => problem.startsWith('DATABASE_URL'));
    expect(database).toBeDefined();
    expect(database).not.toContain('hunter2');
  });

  it('refuses a variable given both directly and as a file', () => {
    expect(
      problemsOf({ API_TOKENS: 'x', API_TOKENS_FILE: '/run/secrets/tokens' }, () => 'y'),
    ).toContain('API_TOKENS and API_TOKENS_FILE are both set; keep one');
  });

  it('splits subject DNs on semicolons because DNs contain commas', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://dev@127.0.0.1/mastercom',
        WEBHOOK_ALLOWED_SUBJECT_DNS: 'CN=ethoca,O=Mastercard,C=US; CN=relay,O=PSP,C=GB',
      },
      noFiles,
    );
    expect(config.WEBHOOK_ALLOWED_SUBJECT_DNS).toEqual([
      'CN=ethoca,O=Mastercard,C=US',
      'CN=relay,O=PSP,C=GB',
    ]);
  });

  it('rejects an unknown member time zone and half a TLS key pair', () => {
    const problems = problemsOf({ ETHOCA_MEMBER_TIMEZONE: 'Mars/Olympus', TLS_CERT: 'pem' });
    expect(problems.some((problem) => problem.startsWith('ETHOCA_MEMBER_TIMEZONE'))).toBe(true);
    expect(
      problems.some((problem) => problem.startsWith('TLS_CERT: TLS_CERT and TLS_KEY go together')),
    ).toBe(true);
  });

  it('keeps the HTTP timeouts inside the limits Ethoca and slowloris defence need', () => {
    expect(problemsOf({ HEADERS_TIMEOUT_MS: '60000' })[0]).toMatch(/^HEADERS_TIMEOUT_MS/);
    expect(problemsOf({ REQUEST_TIMEOUT_MS: '45000' })[0]).toMatch(/^REQUEST_TIMEOUT_MS/);
  });

  it('refuses an outcome lease shorter than twice the Outcome API timeout', () => {
    expect(problemsOf({ ETHOCA_TIMEOUT_MS: '2000', OUTCOME_LEASE_MS: '3999' })[0]).toMatch(
      /^OUTCOME_LEASE_MS: must be at least twice ETHOCA_TIMEOUT_MS \(4000\)/,
    );
    expect(
      problemsOf({
        DATABASE_URL: 'postgres://dev@127.0.0.1/mastercom',
        ETHOCA_TIMEOUT_MS: '2000',
        OUTCOME_LEASE_MS: '4000',
      }),
    ).toEqual([]);
    expect(problemsOf({ ETHOCA_TIMEOUT_MS: '60000' })[0]).toMatch(/^OUTCOME_LEASE_MS/);
  });

  describe('least privilege outside development', () => {
    it('accepts role:token entries of 32 characters or more and a 32-byte key', () => {
      expect(problemsOf(PRODUCTION_WEB)).toEqual([]);
    });

    it.each([
      ['a bare token', TOKEN_32, 'API_TOKENS: entry 1 has no role; write it as role:token'],
      [
        'a short token',
        'admin:a',
        'API_TOKENS: entry 1 (admin) is 1 characters; outside development a token has at least 32',
      ],
      ['an unknown role', `root:${TOKEN_32}`, 'API_TOKENS: entry 1 names an unknown role "root"'],
      ['a role without a token', 'agent:', 'API_TOKENS: entry 1 has a role but no token'],
    ])('refuses %s, naming the entry and never the token', (_name, tokens, message) => {
      const problems = problemsOf({ ...PRODUCTION_WEB, API_TOKENS: tokens });
      expect(problems).toEqual([expect.stringContaining(message)]);
      expect(problems[0]).toContain('(set)');
      expect(problems[0]).not.toContain(TOKEN_32);
    });

    it('refuses an HMAC key under 32 bytes, and one that is not base64', () => {
      expect(problemsOf({ ...PRODUCTION_WEB, WEBHOOK_HMAC_SECRETS: 'whsec_YQ==' })).toEqual([
        expect.stringContaining(
          'WEBHOOK_HMAC_SECRETS: secret 1 is a 1-byte key; outside development a key has at least 32 random bytes',
        ),
      ]);
      expect(
        problemsOf({ ...PRODUCTION_WEB, WEBHOOK_HMAC_SECRETS: `${HMAC_32},whsec_***` }),
      ).toEqual([expect.stringContaining('WEBHOOK_HMAC_SECRETS: secret 2 is not base64')]);
    });

    it('refuses mTLS and trusted proxies without an allow-list of subjects', () => {
      for (const mode of [
        { TLS_CERT: 'c', TLS_KEY: 'k', TLS_CLIENT_CA: 'ca' },
        { WEBHOOK_TRUSTED_PROXIES: '10.0.0.0/8' },
      ]) {
        expect(problemsOf({ ...PRODUCTION_WEB, ...mode })).toEqual([
          expect.stringContaining('WEBHOOK_ALLOWED_SUBJECT_DNS: outside development mTLS'),
        ]);
        expect(
          problemsOf({
            ...PRODUCTION_WEB,
            ...mode,
            WEBHOOK_ALLOWED_SUBJECT_DNS: 'CN=alerts.ethoca.com,O=Mastercard',
          }),
        ).toEqual([]);
      }
    });

    it('in development takes a bare token as read, and short tokens and keys', () => {
      expect(
        problemsOf({
          DATABASE_URL: 'postgres://dev@127.0.0.1/mastercom',
          API_TOKENS: 'a',
          WEBHOOK_HMAC_SECRETS: 'whsec_YQ==',
        }),
      ).toEqual([]);
    });
  });
});
