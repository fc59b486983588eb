import { ethocaWebhookHealthSchema, type EthocaWebhookHealth } from '@mastercom/contracts';
import { createAlert, findCardNumbers, TEST_CARD_NUMBERS } from '@mastercom/contracts/fixtures';
import { generateStandardWebhookSecret } from '@mastercom/testkit';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliver, useTestApp } from './support/test-app.js';

const t = useTestApp();
const GENERATED_REQUEST_ID =
  /"id":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/g;
const card = (index: number): string => TEST_CARD_NUMBERS[index % TEST_CARD_NUMBERS.length]!;

async function webhookHealth(): Promise<EthocaWebhookHealth> {
  const res = await request(t.app).get('/api/v6/webhooks/ethoca/health');
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return ethocaWebhookHealthSchema.parse(res.body);
}

/** Every card number found in `texts`, each with where it was found. */
function cardNumbersIn(texts: { where: string; text: string }[]): string[] {
  return texts.flatMap(({ where, text }) =>
    findCardNumbers(text).map((found) => `${where}: ${found}`),
  );
}

describe('full card numbers sent to the webhook', () => {
  let initial: EthocaWebhookHealth;
  // Valid alerts that carry an unmasked cardNumber, with more card numbers in unknown fields.
  const valid = Array.from({ length: 6 }, (_, i) =>
    createAlert(1100 + i, {
      cardNumber: card(i),
      cardBin: undefined,
      cardLast4: undefined,
      // A descriptor and an ARN are stored in columns of their own, so they are checked too.
      merchantDescriptor: `ACME*SHOP ${card(i + 9)}`,
      acquirerReferenceNumber: `REF${card(i + 10)}`,
      note: `customer read out ${card(i + 1).replace(/(\d{4})(?=\d)/g, '$1 ')}`,
      extra: {
        pan: card(i + 2),
        panNumber: Number(card(i + 3)),
        [card(i + 4)]: 'card number as a key',
      },
    }),
  );
  // Invalid alerts (bad currency) that carry full card numbers everywhere, including the id.
  const invalid = Array.from({ length: 3 }, (_, i) =>
    createAlert(1200 + i, {
      cardNumber: card(i + 5),
      amount: { value: 1, currencyCode: 'usd' },
      note: card(i + 6),
    }),
  );
  const invalidWithCardId = createAlert(1300, { alertId: card(7), cardNumber: card(8) });

  beforeAll(async () => {
    initial = await webhookHealth();
    const first = await deliver(t.app, {
      alerts: [...valid.slice(0, 3), ...invalid, invalidWithCardId],
    });
    const second = await deliver(t.app, { alerts: valid.slice(3) });
    const again = await deliver(t.app, valid[0]);
    // A refused delivery carrying card numbers goes through logging too.
    const refused = await deliver(t.app, valid[1], { secret: generateStandardWebhookSecret() });
    if ([first.status, second.status, again.status, refused.status].join() !== '200,200,200,401') {
      throw new Error(
        `unexpected statuses ${first.status} ${second.status} ${again.status} ${refused.status}`,
      );
    }
  });

  it('leaves no card number in any column of alerts or alert_events', async () => {
    const alerts = await t.query<{ alert_id: string; row: string }>(
      'SELECT alert_id, row_to_json(a)::text AS row FROM alerts a',
    );
    expect(alerts).toHaveLength(valid.length);
    const events = await t.query<{ alert_id: string; row: string }>(
      'SELECT alert_id, row_to_json(e)::text AS row FROM alert_events e',
    );
    expect(events).toHaveLength(valid.length);
    expect(
      cardNumbersIn([
        ...alerts.map((row) => ({ where: `alerts ${row.alert_id}`, text: row.row })),
        ...events.map((row) => ({ where: `alert_events ${row.alert_id}`, text: row.row })),
      ]),
    ).toEqual([]);
  });

  it('stored the card of each valid alert as BIN and last four', async () => {
    const rows = await t.query<{ alert_id: string; card_bin: string; card_last4: string }>(
      'SELECT alert_id, card_bin, card_last4 FROM alerts',
    );
    for (const alert of valid) {
      const number = alert.cardNumber ?? '';
      expect(rows.find((row) => row.alert_id === alert.alertId)).toEqual({
        alert_id: alert.alertId,
        card_bin: number.slice(0, 6),
        card_last4: number.slice(-4),
      });
    }
  });

  it('leaves no card number in pg-boss job data', async () => {
    const jobs = await t.query<{
      id: string;
      data: string | null;
      output: string | null;
      singleton_key: string | null;
    }>('SELECT id::text, data::text, output::text, singleton_key FROM pgboss.job');
    expect(jobs).toHaveLength(valid.length);
    expect(
      cardNumbersIn(
        jobs.map((job) => ({
          where: `job ${job.id}`,
          text: `${job.data} ${job.output} ${job.singleton_key}`,
        })),
      ),
    ).toEqual([]);
  });

  it('leaves no card number in any captured log line', () => {
    expect(t.logLines.length).toBeGreaterThan(0);
    // Generated request ids are random UUIDs, and about one in 400 has dash-grouped digits that
    // pass Luhn; they are replaced so the scan only fails on data that came from a delivery.
    const lines = t.logLines.map((line) => line.replaceAll(GENERATED_REQUEST_ID, '"id":"<uuid>"'));
    expect(
      cardNumbersIn(lines.map((line, index) => ({ where: `log line ${index}`, text: line }))),
    ).toEqual([]);
  });

  it('reports the deliveries in the webhook health counts', async () => {
    const health = await webhookHealth();
    expect(health.authenticationModes).toEqual(['hmac']);
    expect(health.counts).toEqual({
      accepted: initial.counts.accepted + valid.length,
      duplicate: initial.counts.duplicate + 1,
      // Four invalid alerts in the first delivery and one refused delivery.
      rejected: initial.counts.rejected + invalid.length + 2,
      shed: 0,
    });
    expect(health.inFlight).toBe(0);
    expect(initial.lastAlertReceivedAt).toBeNull();
    expect(health.lastAlertReceivedAt).not.toBeNull();
    expect(health.backlog.unprocessed).toBe(valid.length);
    expect(health.backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(health.deadlines).toEqual({ ok: valid.length, warning: 0, critical: 0, overdue: 0 });
    expect(health.status).toBe('ok');
  });
});
