// Runs the k6 entry point's scenario functions against stand-ins of k6's modules and checks every
// request they would send: bodies against the contracts, signatures with the testkit signer,
// alert ids for uniqueness, and the traffic mix.
import { alertListQuerySchema, ethocaAlertSchema, splitAlertDelivery } from '@mastercom/contracts';
import { signStandardWebhook } from '@mastercom/testkit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BATCH_SIZE, WEBHOOK_CYCLE } from '../../src/k6/traffic-mix.js';
import { k6Env, runtime, TEST_SECRET, TEST_TOKEN, type CapturedRequest } from './k6-runtime.js';

vi.mock('k6', async () => (await import('./k6-runtime.js')).k6Module);
vi.mock('k6/http', async () => (await import('./k6-runtime.js')).httpModule);
vi.mock('k6/metrics', async () => (await import('./k6-runtime.js')).metricsModule);
vi.mock('k6/crypto', async () => (await import('./k6-runtime.js')).cryptoModule);
vi.mock('k6/encoding', async () => (await import('./k6-runtime.js')).encodingModule);
vi.mock('k6/execution', async () => (await import('./k6-runtime.js')).executionModule);

type Script = typeof import('../../src/k6/mastercom.js');

async function loadScript(env: Record<string, string> = k6Env()): Promise<Script> {
  vi.stubGlobal('__ENV', env);
  vi.resetModules();
  return import('../../src/k6/mastercom.js');
}

/** The alerts of a delivery after the service's own split, each validated against the contract. */
function deliveredAlerts(request: CapturedRequest) {
  const split = splitAlertDelivery(JSON.parse(request.body ?? 'null'));
  if (!split.ok) throw new Error(split.reason);
  return split.alerts.map((alert) => ethocaAlertSchema.parse(alert));
}

/** Verifies the delivery's signature by signing its exact body again with the testkit signer. */
function expectSignedByTheTestkitSigner(request: CapturedRequest): void {
  const id = request.headers['webhook-id'] ?? '';
  const timestamp = Number(request.headers['webhook-timestamp']);
  expect(id).toMatch(/^msg_[A-Z0-9]{25}$/);
  expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
  expect(request.headers['webhook-signature']).toBe(
    signStandardWebhook({ secret: TEST_SECRET, id, timestamp, body: request.body ?? '' })[
      'webhook-signature'
    ],
  );
}

beforeEach(() => {
  runtime.reset();
});

describe('setup', () => {
  it('sends one signed, valid delivery and hands its alert to the reads', async () => {
    const script = await loadScript();
    const data = script.setup();
    expect(runtime.requests).toHaveLength(1);
    const [request] = runtime.requests;
    expect(request?.url).toBe('http://127.0.0.1:8080/api/v6/webhooks/ethoca');
    expectSignedByTheTestkitSigner(request!);
    expect(deliveredAlerts(request!).map((alert) => alert.alertId)).toEqual([data.knownAlertId]);
    expect(data.runTag).toMatch(/^[0-9A-Z]{8}$/);
  });

  it('stops the run with the reason when the service refuses the delivery', async () => {
    const script = await loadScript();
    runtime.respond = () => ({ status: 401, body: '{"title":"Unauthorized"}' });
    expect(() => script.setup()).toThrow(
      /check BASE_URL \(or WEBHOOK_URL\) and the client certificate or LOAD_WEBHOOK_SECRET/,
    );
  });
});

describe('the webhook scenario', () => {
  it('sends valid, signed deliveries with unique alert ids and the planned share of redeliveries', async () => {
    const script = await loadScript();
    const data = script.setup();
    runtime.requests = [];
    runtime.counters = new Map();
    const iterations = WEBHOOK_CYCLE.length * 6;
    for (let iteration = 0; iteration < iterations; iteration += 1) {
      runtime.iteration = iteration;
      script.webhook(data);
    }

    expect(runtime.requests).toHaveLength(iterations);
    for (const request of runtime.requests) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.tags.endpoint).toBe('webhook');
      expect(request.timeout).toBe('30000ms');
      expectSignedByTheTestkitSigner(request);
    }
    const ofKind = (kind: string) =>
      runtime.requests.filter((request) => request.tags.kind === kind);
    const idsOf = (request: CapturedRequest) =>
      deliveredAlerts(request).map((alert) => alert.alertId);
    const singles = ofKind('single');
    const batches = ofKind('batch');
    const redeliveries = ofKind('redelivery');
    expect(singles.map(idsOf).every((ids) => ids.length === 1)).toBe(true);
    expect(batches.map(idsOf).every((ids) => ids.length === BATCH_SIZE)).toBe(true);

    // Every new delivery carries alert ids no other new delivery used.
    const newIds = [...singles, ...batches].flatMap(idsOf);
    expect(new Set(newIds).size).toBe(newIds.length);

    // A redelivery is an earlier single delivery again: same bytes, same message id.
    const singleById = new Map(singles.map((request) => [idsOf(request)[0], request]));
    const originals = redeliveries.map((request) => singleById.get(idsOf(request)[0]));
    expect(originals.map((original) => original?.body)).toEqual(redeliveries.map((r) => r.body));
    expect(originals.map((original) => original?.headers['webhook-id'])).toEqual(
      redeliveries.map((request) => request.headers['webhook-id']),
    );

    const perCycle = (kind: string) => WEBHOOK_CYCLE.filter((entry) => entry === kind).length;
    expect(redeliveries).toHaveLength(perCycle('redelivery') * 6);
    expect(batches).toHaveLength(perCycle('batch') * 6);
    expect(runtime.checks.every((entry) => entry.ok)).toBe(true);
    expect(runtime.counters.get('alerts_acknowledged')).toBe(
      runtime.requests.reduce((sum, request) => sum + deliveredAlerts(request).length, 0),
    );
    expect(runtime.counters.get('alerts_redelivered')).toBe(redeliveries.length);
  });

  it('fails its checks when an acknowledgement is missing an alert or out of order', async () => {
    const script = await loadScript();
    const data = script.setup();
    runtime.checks = [];
    runtime.respond = (request) => {
      const alerts = deliveredAlerts(request);
      return {
        status: 200,
        body: JSON.stringify({
          alertResponses: alerts
            .slice(1)
            .map((alert) => ({ alertId: alert.alertId, status: 'SUCCESS' })),
        }),
      };
    };
    runtime.iteration = WEBHOOK_CYCLE.indexOf('batch');
    script.webhook(data);
    expect(runtime.checks.find((entry) => entry.name.startsWith('every alert'))?.ok).toBe(false);
  });

  it('gives different runs different alert ids for the same iteration', async () => {
    const script = await loadScript();
    runtime.iteration = 0;
    script.webhook({ runTag: '0000000A', knownAlertId: 'x' });
    script.webhook({ runTag: '0000000B', knownAlertId: 'x' });
    const [first, second] = runtime.requests.map((request) => deliveredAlerts(request)[0]?.alertId);
    expect(first).not.toBe(second);
  });
});

describe('the read and health scenarios', () => {
  it('reads the alert list and one alert with the bearer token and a valid query', async () => {
    const script = await loadScript();
    script.reads({ runTag: '0000000A', knownAlertId: 'KABCDEFGHW0000000000001A00' });
    expect(runtime.requests).toHaveLength(2);
    const [list, detail] = runtime.requests;
    for (const request of [list, detail]) {
      expect(request?.method).toBe('GET');
      expect(request?.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
      expect(request?.tags.endpoint).toBe('alerts-read');
    }
    const listUrl = new URL(list!.url);
    expect(listUrl.pathname).toBe('/api/v6/alerts');
    expect(alertListQuerySchema.safeParse(Object.fromEntries(listUrl.searchParams)).success).toBe(
      true,
    );
    expect(new URL(detail!.url).pathname).toBe('/api/v6/alerts/KABCDEFGHW0000000000001A00');
    expect(detail?.tags.name).toBe('/api/v6/alerts/{alertId}');
  });

  it('probes liveness, readiness and the webhook health without credentials', async () => {
    const script = await loadScript();
    script.health();
    expect(runtime.requests.map((request) => new URL(request.url).pathname)).toEqual([
      '/__ops/ping',
      '/health',
      '/api/v6/webhooks/ethoca/health',
    ]);
    expect(runtime.requests.every((request) => request.headers.authorization === undefined)).toBe(
      true,
    );
    expect(runtime.checks.map((entry) => entry.ok)).toEqual([true, true, true]);
  });

  it('smoke sends one of each kind of request per iteration and then pauses', async () => {
    const script = await loadScript(k6Env({ BASE_URL: 'http://127.0.0.1:9999/' }));
    runtime.iteration = 0;
    script.smoke({ runTag: '0000000A', knownAlertId: 'KABCDEFGHW0000000000001A00' });
    expect(runtime.requests.map((request) => request.tags.endpoint)).toEqual([
      'health',
      'health',
      'health',
      'webhook',
      'alerts-read',
      'alerts-read',
    ]);
    expect(
      runtime.requests.every((request) => request.url.startsWith('http://127.0.0.1:9999/')),
    ).toBe(true);
    expect(runtime.requests.some((request) => request.url.includes('//api'))).toBe(false);
    expect(runtime.sleeps).toBe(1);
  });
});

describe('configuration from the environment', () => {
  it.each(['BASE_URL', 'LOAD_API_TOKEN'])('refuses to start without %s', async (name) => {
    const env = Object.fromEntries(Object.entries(k6Env()).filter(([key]) => key !== name));
    await expect(loadScript(env)).rejects.toThrow(`${name} must be set`);
  });

  it('refuses to start with neither a client certificate nor a webhook secret', async () => {
    await expect(loadScript(k6Env({ LOAD_WEBHOOK_SECRET: '' }))).rejects.toThrow(
      /LOAD_CLIENT_CERT_FILE and LOAD_CLIENT_KEY_FILE .* or LOAD_WEBHOOK_SECRET must be set/,
    );
  });

  it('delivers to WEBHOOK_URL with the client certificate, unsigned, and reads from BASE_URL', async () => {
    const files: Record<string, string> = {
      '/certs/load.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      '/certs/load.key': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    };
    vi.stubGlobal('open', (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error(`no file ${path}`);
      return text;
    });
    const script = await loadScript(
      k6Env({
        WEBHOOK_URL: 'https://ethoca-webhook.staging.mastercom.internal',
        BASE_URL: 'https://mastercom.staging.mastercom.internal',
        LOAD_WEBHOOK_SECRET: '',
        LOAD_CLIENT_CERT_FILE: '/certs/load.crt',
        LOAD_CLIENT_KEY_FILE: '/certs/load.key',
      }),
    );
    expect(script.options.tlsAuth).toEqual([
      {
        domains: ['ethoca-webhook.staging.mastercom.internal'],
        cert: files['/certs/load.crt'],
        key: files['/certs/load.key'],
      },
    ]);
    const data = script.setup();
    script.reads(data);
    const [delivery, ...reads] = runtime.requests;
    expect(delivery?.url).toBe(
      'https://ethoca-webhook.staging.mastercom.internal/api/v6/webhooks/ethoca',
    );
    expect(Object.keys(delivery?.headers ?? {})).toEqual(['content-type']);
    expect(reads.map((request) => request.url.split('/api')[0])).toEqual([
      'https://mastercom.staging.mastercom.internal',
      'https://mastercom.staging.mastercom.internal',
    ]);
  });

  it('refuses an unknown scenario name', async () => {
    await expect(loadScript(k6Env({ LOAD_SCENARIO: 'marathon' }))).rejects.toThrow(
      /LOAD_SCENARIO must be one of/,
    );
  });

  it('writes the summary files where LOAD_REPORT_DIR says', async () => {
    const script = await loadScript(k6Env({ LOAD_SCENARIO: 'load', LOAD_REPORT_DIR: 'out/k6' }));
    const files = script.handleSummary({ metrics: {} });
    expect(Object.keys(files).sort()).toEqual([
      'out/k6/k6-load-junit.xml',
      'out/k6/k6-load-summary.json',
      'out/k6/k6-load-summary.md',
      'stdout',
    ]);
  });
});
