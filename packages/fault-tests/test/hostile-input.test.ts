import { createHmac, randomUUID } from 'node:crypto';
import {
  alertAcknowledgementSchema,
  ethocaAlertSchema,
  ethocaErrorEnvelopeSchema,
  type EthocaAlert,
} from '@mastercom/contracts';
import { createAlert, findCardNumbers, TEST_CARD_NUMBERS } from '@mastercom/contracts/fixtures';
import { authenticateDelivery, parseDelivery, type DeliveryRequest } from '@mastercom/service';
import { decodeStandardWebhookSecret, generateStandardWebhookSecret } from '@mastercom/testkit';
import { useHarness, type OutputLine, type ServiceProcess } from '@mastercom/service-harness';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAndRecord } from './support/card-scan.js';
import { hostileCorpus, HOSTILE_STRINGS, type HostileCase } from './support/hostile-corpus.js';
import { recordRow } from './support/report.js';
import { streamBody } from './support/raw-http.js';
import { SIZES } from './support/scale.js';
import { alertId, startLoggedService } from './support/service.js';
import { WEBHOOK_PATH } from './support/traffic.js';

const h = useHarness();
const size = SIZES.hostile;
const MAX_ALERTS = 100;
const BODY_LIMIT = 262_144;
const logs: OutputLine[] = [];
let service: ServiceProcess;
/** Per property or corpus: cases tried, and violations found (each a short description). */
const tally = { cases: 0, crashes: 0, serverErrors: 0, acknowledged: 0, storedForMalformed: 0 };
/** The short variant must try its 50,000 cases within a minute, service start included. */
const fileStarted = performance.now();

beforeAll(async () => {
  // The web role only: processing would change rows under the state comparisons below.
  service = await startLoggedService(h, 'web', logs, {
    SERVICE_ROLE: 'web',
    WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT),
  });
});

afterAll(async () => {
  await service.kill('SIGKILL');
});

/** Standard Webhooks headers over raw bytes, which need not be valid UTF-8. */
function signedHeaders(body: Buffer, secret = h.hmacSecret, id = `msg_${randomUUID()}`) {
  const timestamp = Math.floor(Date.now() / 1000);
  const hmac = createHmac('sha256', decodeStandardWebhookSecret(secret));
  hmac.update(`${id}.${String(timestamp)}.`, 'utf8');
  hmac.update(body);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${hmac.digest('base64')}`,
  };
}

async function post(body: Buffer): Promise<{ status: number; text: string }> {
  const response = await fetch(new URL(WEBHOOK_PATH, service.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(body) },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * What the route's parse path makes of a body, checked: it must not throw, a malformed body must
 * be refused as a whole or alert by alert, and nothing it would store may hold a card number.
 */
function checkParse(hostile: HostileCase): string[] {
  let result: ReturnType<typeof parseDelivery>;
  try {
    result = parseDelivery(hostile.body, MAX_ALERTS);
  } catch (error) {
    tally.crashes += 1;
    return [`${hostile.kind}: parse threw ${(error as Error).message}`];
  }
  if (!result.ok) return [];
  const problems: string[] = [];
  if (hostile.malformed && result.valid.length > 0) {
    problems.push(
      `${hostile.kind}: malformed body gave ${String(result.valid.length)} valid alerts`,
    );
  }
  const cards = findCardNumbers(JSON.stringify(result.valid));
  if (cards.length > 0)
    problems.push(`${hostile.kind}: would store card numbers ${cards.join(',')}`);
  return problems;
}

describe(`hostile input: ${String(size.corpus)} generated bodies, properties at ${String(size.propertyRuns)} runs`, () => {
  it('the parse path never throws, refuses every malformed body and stores no card number', () => {
    const problems: string[] = [];
    let count = 0;
    for (const hostile of hostileCorpus(size.corpus)) {
      count += 1;
      problems.push(...checkParse(hostile));
    }
    tally.cases += count;
    expect(count).toBe(size.corpus);
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('property: the contracts schema and the parse path never throw on any JSON value or bytes', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 6 }).map((value) => ({
            value,
            bytes: Buffer.from(JSON.stringify(value)),
          })),
          fc
            .uint8Array({ maxLength: 300 })
            .map((bytes) => ({ value: bytes.toString(), bytes: Buffer.from(bytes) })),
          fc
            .record({
              field: fc.constantFrom(...Object.keys(createAlert(1))),
              value: fc.anything(),
            })
            .map(({ field, value }) => {
              const alert = { ...createAlert(7), [field]: value };
              return { value: alert, bytes: Buffer.from(JSON.stringify(alert)) };
            }),
        ),
        ({ value, bytes }) => {
          runs += 1;
          ethocaAlertSchema.safeParse(value);
          parseDelivery(bytes, MAX_ALERTS);
        },
      ),
      { numRuns: size.propertyRuns, seed: 20_261_126 },
    );
    tally.cases += runs;
    expect(runs).toBe(size.propertyRuns);
  });

  it('property: any single-byte change of a signed body, id or timestamp fails verification', () => {
    const secret = generateStandardWebhookSecret();
    const options = { hmac: { secrets: [secret] } };
    const now = Date.now();
    const body = Buffer.from(JSON.stringify(createAlert(42)));
    const id = 'msg_2Yx8hQvYV3cN0q7sT1aZbKpLmNo';
    const request = (headers: Record<string, string>): DeliveryRequest => ({
      headers,
      socket: { remoteAddress: '127.0.0.1' },
    });
    const signed = signedHeaders(body, secret, id);
    expect(authenticateDelivery(request(signed), body, options, () => now).ok).toBe(true);
    let runs = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('body', 'webhook-id', 'webhook-timestamp'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (target, position, delta) => {
          runs += 1;
          let bytes = body;
          const headers: Record<string, string> = { ...signed };
          if (target === 'body') {
            bytes = Buffer.from(body);
            const at = position % bytes.length;
            bytes[at] = (bytes[at]! + delta) % 256;
          } else {
            const value = Buffer.from(headers[target]!, 'latin1');
            const at = position % value.length;
            value[at] = (value[at]! + delta) % 256;
            headers[target] = value.toString('latin1');
          }
          expect(authenticateDelivery(request(headers), bytes, options, () => now).ok).toBe(false);
        },
      ),
      { numRuns: size.propertyRuns, seed: 20_261_127 },
    );
    tally.cases += runs;
    expect(runs).toBe(size.propertyRuns);
  });

  it('property: no 13–19 digit Luhn-valid run survives normalisation, wherever the card number is put', () => {
    const cards = fc.oneof(
      fc.constantFrom(...TEST_CARD_NUMBERS),
      fc.constantFrom(...TEST_CARD_NUMBERS).map((card) => card.replace(/(\d{4})(?=\d)/g, '$1 ')),
      fc.constantFrom(...TEST_CARD_NUMBERS).map((card) => card.replace(/(\d{4})(?=\d)/g, '$1-')),
    );
    let runs = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        cards,
        fc.constantFrom(
          'cardNumber',
          'note',
          'merchantDescriptor',
          'acquirerReferenceNumber',
          'extra',
          'key',
        ),
        fc.string({ maxLength: 8 }),
        (seed, card, where, around) => {
          runs += 1;
          const alert: Record<string, unknown> = { ...createAlert(seed) };
          if (where === 'key') alert[card] = around;
          else if (where === 'extra') alert.extra = { nested: [`${around}${card}${around}`] };
          else
            alert[where] =
              where === 'cardNumber' ? card.replaceAll(/\D/g, '') : `${around}${card}${around}`;
          const result = parseDelivery(Buffer.from(JSON.stringify(alert)), MAX_ALERTS);
          expect(result.ok ? findCardNumbers(JSON.stringify(result.valid)) : []).toEqual([]);
        },
      ),
      { numRuns: size.propertyRuns, seed: 20_261_128 },
    );
    tally.cases += runs;
    expect(runs).toBe(size.propertyRuns);
  });

  it('over HTTP: a sample of the corpus gets no 5xx, a 4xx or FAILURE when malformed, and stores only what it acknowledged', async () => {
    const problems: string[] = [];
    const succeeded = new Set<string>();
    let sent = 0;
    // A different seed from the in-process corpus, so the sample adds cases rather than repeats.
    for (const hostile of hostileCorpus(size.overHttp, 77)) {
      if (hostile.body.length > BODY_LIMIT) continue;
      sent += 1;
      const { status, text } = await post(hostile.body);
      if (status >= 500) {
        tally.serverErrors += 1;
        problems.push(`${hostile.kind}: ${String(status)} ${text.slice(0, 200)}`);
        continue;
      }
      if (status === 200) {
        const ack = alertAcknowledgementSchema.parse(JSON.parse(text));
        for (const response of ack.alertResponses) {
          if (response.status === 'SUCCESS' && response.alertId !== null)
            succeeded.add(response.alertId);
        }
        if (hostile.malformed && ack.alertResponses.some((r) => r.status === 'SUCCESS')) {
          problems.push(`${hostile.kind}: malformed body acknowledged SUCCESS`);
        }
      } else if (status < 400 || !ethocaErrorEnvelopeSchema.safeParse(JSON.parse(text)).success) {
        problems.push(`${hostile.kind}: ${String(status)} without the error envelope`);
      }
    }
    const stored = await h.query<{ alert_id: string }>('SELECT alert_id FROM alerts');
    const unacknowledged = stored.filter((row) => !succeeded.has(row.alert_id));
    tally.storedForMalformed += unacknowledged.length;
    tally.cases += sent;
    tally.acknowledged += succeeded.size;
    expect(sent).toBeGreaterThan(size.overHttp * 0.9);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(unacknowledged).toEqual([]);
  });

  it('property: permuted, repeated and re-batched deliveries leave the same database state', async () => {
    /** The stored alerts of a run with the run's prefix taken out, so two orders can be compared. */
    const snapshot = async (prefix: string) => {
      const rows = await h.query<{ row: Record<string, unknown> }>(
        `SELECT to_jsonb(a) - 'received_at' - 'updated_at' - 'created_at' AS row FROM alerts a
          WHERE alert_id LIKE $1 ORDER BY alert_id`,
        [`${prefix}%`],
      );
      const events = await h.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM alert_events WHERE alert_id LIKE $1`,
        [`${prefix}%`],
      );
      const jobs = await h.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'process-alert' AND data->>'alertId' LIKE $1`,
        [`${prefix}%`],
      );
      return {
        rows: JSON.parse(JSON.stringify(rows).replaceAll(prefix, '<run>')) as unknown,
        events: events[0]?.n,
        jobs: jobs[0]?.n,
      };
    };
    const deliverInOrder = async (alerts: EthocaAlert[], order: number[], batch: number) => {
      const sequence = order.map((index) => alerts[index]!);
      for (let start = 0; start < sequence.length; start += batch) {
        const body = Buffer.from(JSON.stringify({ alerts: sequence.slice(start, start + batch) }));
        const { status } = await post(body);
        expect(status).toBe(200);
      }
    };
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc
          .integer({ min: 2, max: 8 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.nat(n - 1), { minLength: n, maxLength: 3 * n }),
              fc.array(fc.nat(n - 1), { minLength: n, maxLength: 3 * n }),
              fc.integer({ min: 1, max: 5 }),
              fc.integer({ min: 1, max: 5 }),
            ),
          ),
        async (seed, [n, orderA, orderB, batchA, batchB]) => {
          runs += 1;
          const make = (prefix: string) =>
            Array.from({ length: n }, (_, i) =>
              createAlert(seed + i, { alertId: alertId(prefix, i) }),
            );
          // Every alert at least once in each order; the generated indices add repeats in any order.
          const all = Array.from({ length: n }, (_, i) => i);
          // alert_events is append-only, so every run (shrinking included) gets ids of its own.
          const a = `PA${runs.toString(36).padStart(4, '0')}`;
          const b = `PB${runs.toString(36).padStart(4, '0')}`;
          await deliverInOrder(make(a), [...orderA, ...all], batchA);
          await deliverInOrder(make(b), [...all.reverse(), ...orderB], batchB);
          const [left, right] = [await snapshot(a), await snapshot(b)];
          expect((left.rows as unknown[]).length).toBe(n);
          expect(right).toEqual(left);
          expect(left.events).toBe(n);
          expect(left.jobs).toBe(n);
        },
      ),
      { numRuns: 25, seed: 20_261_129 },
    );
    tally.cases += runs;
  });

  it('property: bodies over the limit get 413, with or without Content-Length', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: BODY_LIMIT + 1, max: 4 * BODY_LIMIT }),
        fc.boolean(),
        async (length, chunked) => {
          runs += 1;
          // A raw socket, as a sender that reads while it writes: fetch() reports an answer that
          // arrives before its body is sent as a failed request.
          const reply = await streamBody(service.url, {
            mode: chunked ? 'chunked' : 'declared',
            totalBytes: length,
            timeoutMs: 10_000,
          });
          expect(reply.status).toBe(413);
        },
      ),
      { numRuns: 20, seed: 20_261_130 },
    );
    tally.cases += runs;
  });

  it('records the campaign row and stored and logged no full card number', async () => {
    const scan = await scanAndRecord(h, logs, 'hostile input');
    await recordRow({
      scenario: '4 hostile input',
      cases: tally.cases,
      acknowledged: tally.acknowledged,
      lost: 0,
      duplicates: 0,
      serverErrors: tally.serverErrors,
      recoveryMs: { 'whole campaign': performance.now() - fileStarted },
      notes: `${String(tally.crashes)} crashes, ${String(tally.storedForMalformed)} rows stored without a SUCCESS; ${String(HOSTILE_STRINGS.length)} hostile strings in every string field`,
    });
    // The 60 s budget for 50,000 cases is a speed target: it is reported in the table above
    // ("whole campaign") rather than asserted, so a slow shared machine cannot fail the gate.
    expect(tally.cases).toBeGreaterThanOrEqual(50_000);
    expect(tally.crashes).toBe(0);
    expect(scan.found).toEqual([]);
  });
});
