// The card-number corpus: every published test card of every length (13-19 digits), written every
// way people write one, sent through every door that takes text (webhook, ledger import, agent
// outcome, cases, case actions, documents and their file names and memos, the Mastercom queue
// sync, paths, queries and headers). Afterwards no full card number may be anywhere: not in any
// column of any table, not in any log line, not in any answer, not in anything sent on to Ethoca
// or Mastercom, except the one filing by card number that Mastercom must receive in flight.
import {
  createAlert,
  createArn,
  createCaseRequest,
  createChargebackDetails,
  createClaimSummary,
  findCardNumbers,
  SeededRandom,
  transactionForAlert,
} from '@mastercom/contracts/fixtures';
import {
  createLogger,
  createMastercardSigner,
  MastercomClient,
  MastercomQueueSync,
} from '@mastercom/service';
import {
  createMockMastercom,
  generateRsaKeyPair,
  MASTERCOM_SANDBOX_URL,
  scanForCardNumbers,
  type CardNumberScan,
} from '@mastercom/testkit';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { CARDS, oneLineWritings, WRITINGS, WRITTEN } from './support/card-corpus.js';
import { useProcessing } from './support/processing.js';
import { API_TOKEN, deliver, operatorGet, operatorPost, useTestApp } from './support/test-app.js';

const CONSUMER_KEY = 'card-corpus!0123456789abcdef0123';
const keys = generateRsaKeyPair();
const mastercom = createMockMastercom({
  publicKeyPem: keys.publicKeyPem,
  consumerKey: CONSUMER_KEY,
});
const clientLog: string[] = [];
const client = new MastercomClient({
  baseUrl: MASTERCOM_SANDBOX_URL,
  signer: createMastercardSigner({ consumerKey: CONSUMER_KEY, signingKeyPem: keys.privateKeyPem }),
  timeoutMs: 5000,
  maxAttempts: 2,
  backoffBaseMs: 10,
  backoffCapMs: 50,
  logger: createLogger(
    { level: 'debug', service: 'mastercom-service', version: 'card-corpus' },
    { write: (line: string) => void clientLog.push(line) },
  ),
});
const t = useTestApp({ mastercom: { client } });
const processing = useProcessing(t, {
  unmatchedHoldMs: 3_600_000,
  extraHandlers: mastercom.mswHandlers(),
});
const auth = { authorization: `Bearer ${API_TOKEN}` };
const pdf = Buffer.from('%PDF-1.7\n% evidence\n/EOF');
const today = new Date().toISOString().slice(0, 10);
const writingsOf = (card: string) => WRITINGS.map(({ write }) => write(card));

/** Every answer the service gave, with the door it came from. */
const answers: { door: string; status: number; text: string }[] = [];
function answered(door: string, res: request.Response): request.Response {
  answers.push({
    door,
    status: res.status,
    text: `${JSON.stringify(res.headers)}\n${res.text}`,
  });
  return res;
}

let scan: CardNumberScan;
const filedCases: { caseId: string; card: string }[] = [];

beforeAll(async () => {
  // 1. Ethoca webhook: the card as cardNumber, in the descriptor and the reference, and in
  //    unknown fields as strings, keys, nested values and JSON numbers above 2^53.
  const alerts = CARDS.map((card, i) =>
    createAlert(5000 + i, {
      cardNumber: card,
      cardBin: undefined,
      cardLast4: undefined,
      merchantDescriptor: `ACME ${WRITINGS[i % WRITINGS.length]?.write(card) ?? card}`,
      acquirerReferenceNumber: `REF${card}`,
      notes: writingsOf(card),
      nested: { deeper: [{ said: writingsOf(card) }] },
      byKey: Object.fromEntries(writingsOf(card).map((text) => [text, 'as a key'])),
      panNumber: `__NUMBER_${String(i)}__`,
    }),
  );
  const invalid = [
    createAlert(5100, { cardNumber: CARDS[0], amount: { value: 1, currencyCode: 'usd' } }),
    createAlert(5101, { alertId: CARDS[1] ?? '' }),
  ];
  const body = JSON.stringify({ alerts: [...alerts, ...invalid] }).replaceAll(
    /"__NUMBER_(\d+)__"/g,
    (_, index: string) => CARDS[Number(index)] ?? '0',
  );
  answered(
    'webhook',
    await deliver(t.app, body, { headers: { 'x-request-id': '4111-1111-1111-1111' } }),
  );
  // A card number in the query: the webhook's access line and its redelivery line show it masked.
  for (const writing of oneLineWritings(CARDS[4] ?? '')) {
    answered(
      'webhook, card in the query',
      await deliver(t.app, body, {
        path: `/api/v6/webhooks/ethoca/?ref=${encodeURIComponent(writing)}`,
      }),
    );
  }
  answered('webhook, malformed', await deliver(t.app, `{"pan":"${CARDS[2] ?? ''}" oops}`));
  answered('webhook, number too deep', await deliver(t.app, `[${CARDS[3] ?? ''}`));

  // 2. Ledger import: transaction ids and descriptors, and a refused import with card keys.
  const transactions = CARDS.map((card, i) =>
    transactionForAlert(alerts[i] ?? createAlert(i), {
      transactionId: `TX ${oneLineWritings(card)[i % 7] ?? card}`,
      descriptor: `ACME ${oneLineWritings(card)[(i + 1) % 7] ?? card}`,
      // Another card than the alert's, so the alerts stay unmatched for the agent below.
      cardBin: '400000',
      cardLast4: '0000',
      acquirerReferenceNumber: undefined,
    }),
  );
  const imported = answered(
    'ledger import',
    await operatorPost(t.app, '/api/v6/transactions', { transactions }),
  );
  if (imported.status !== 200) throw new Error(`the ledger import failed: ${imported.text}`);
  answered(
    'ledger import, refused',
    await operatorPost(t.app, '/api/v6/transactions', {
      transactions: [Object.fromEntries(WRITTEN.slice(0, 20).map(({ text }) => [text, text]))],
    }),
  );

  // 3. Agent outcomes: comments, stored and sent on to Ethoca.
  for (const [i, alert] of alerts.entries()) {
    await processing.process(alert.alertId);
    const card = CARDS[i] ?? '';
    answered(
      'manual outcome',
      await operatorPost(t.app, `/api/v6/alerts/${alert.alertId}/outcome`, {
        outcome: 'NOT_FOUND',
        refundStatus: 'NOT_REFUNDED',
        comments: `cardholder gave ${writingsOf(card).join(' and ')}`.slice(0, 1024),
      }),
    );
    answered('alert detail', await operatorGet(t.app, `/api/v6/alerts/${alert.alertId}`));
    answered('desk alert', await operatorGet(t.app, `/api/v6/desk/alerts/${alert.alertId}`));
  }
  await processing.dispatcher().flush();

  // 4. Mastercom queue sync: claims and chargebacks carrying the card in known and unknown fields.
  const minute = new Date().toISOString().slice(0, 16);
  const claims = CARDS.map((card, i) => {
    const summary = createClaimSummary(7000 + i, {
      queueName: 'Unworked',
      lastModifiedDate: minute,
      primaryAccountNum: card,
      note: writingsOf(card),
      [oneLineWritings(card)[1] ?? card]: 'as a key',
    });
    const chargeback = {
      ...createChargebackDetails(7000 + i, summary.claimId),
      createDate: today,
      messageText: `cardholder ${oneLineWritings(card)[i % 7] ?? card}`,
      notes: { deeper: writingsOf(card) },
    };
    return { summary, chargebacks: [chargeback] };
  });
  mastercom.addClaims(claims);
  await new MastercomQueueSync(
    { db: t.db, client, logger: t.logger, metrics: t.metrics },
    { queues: ['Unworked'], lookbackDays: 30 },
  ).run();

  // 5. Cases filed by card number, their memos and actions; one refused by Mastercom with the
  //    card quoted in its description.
  for (const [i, card] of CARDS.entries()) {
    const filing = {
      ...createCaseRequest(6000 + i, {
        caseType: '3',
        violationCode: '1.4',
        violationDate: today,
        memo: writingsOf(card).join(' | '),
      }),
      chargebackRefNum: undefined,
      primaryAccountNum: card,
      acquirerRefNum: createArn(new SeededRandom(6000 + i), 2026, 100),
    };
    if (i === 0) {
      mastercom.failNextWith(1, {
        status: 400,
        envelope: 'v6',
        reasonCode: 'INVALID_FIELD',
        description: `primaryAccountNum ${card} is not on file`,
      });
      answered(
        'case filing, refused',
        await request(t.app).post('/api/v6/cases').set(auth).send(filing),
      );
    }
    const res = answered(
      'case filing',
      await request(t.app).post('/api/v6/cases').set(auth).send(filing),
    );
    const caseId = (res.body as { caseId?: string }).caseId;
    if (res.status !== 201 || caseId === undefined) throw new Error(`filing failed: ${res.text}`);
    filedCases.push({ caseId, card });
    answered(
      'case action',
      await request(t.app)
        .put(`/api/v6/cases/${caseId}`)
        .set(auth)
        .send({ action: 'REBUT', memo: `rebuttal for ${writingsOf(card).join(', ')}` }),
    );
  }

  // 6. Documents: multipart file names and memos, JSON uploads, and a chargeback's submission.
  for (const [i, { caseId, card }] of filedCases.entries()) {
    const names = oneLineWritings(card);
    answered(
      'document upload (multipart)',
      await request(t.app)
        .post('/api/v6/documents')
        .set(auth)
        .field('caseId', caseId)
        .field('memo', writingsOf(card).join('; '))
        .attach('file', pdf, `${names[i % names.length] ?? card}.pdf`),
    );
    if (card.length <= 16) {
      answered(
        'document upload (JSON)',
        await request(t.app)
          .post(`/api/v6/cases/${caseId}/documents`)
          .set(auth)
          .send({
            filename: card,
            memo: writingsOf(card).join('; '),
            contentBase64: pdf.toString('base64'),
          }),
      );
    }
    const chargebackId = claims[i]?.chargebacks[0]?.chargebackId ?? '';
    const uploaded = answered(
      'document upload (chargeback)',
      await request(t.app)
        .post('/api/v6/documents')
        .set(auth)
        .field('chargebackId', chargebackId)
        .attach('file', pdf, `${card}.pdf`),
    );
    const documentId = (uploaded.body as { documentId?: string }).documentId ?? 'missing';
    answered(
      'document submission',
      await operatorPost(t.app, `/api/v6/documents/${documentId}/submit`, {
        memo: `submitted for ${writingsOf(card).join(' / ')}`,
      }),
    );
  }

  // 7. Card numbers in paths, queries and a malformed operator body.
  const [first = '', second = '', third = ''] = CARDS;
  for (const path of [
    `/api/v6/alerts/${first}`,
    `/api/v6/desk/alerts/${encodeURIComponent(WRITINGS[3]?.write(first) ?? first)}`,
    `/api/v6/desk/queue?merchant=${encodeURIComponent(WRITINGS[4]?.write(second) ?? second)}`,
    `/api/v6/cases/${encodeURIComponent(WRITINGS[2]?.write(second) ?? second)}`,
    `/api/v6/documents?caseId=${encodeURIComponent(WRITINGS[1]?.write(third) ?? third)}`,
    `/api/v6/cases?status=${first}&note=${encodeURIComponent(WRITINGS[5]?.write(first) ?? first)}`,
  ]) {
    answered(`GET ${path.split('/')[3] ?? path}`, await operatorGet(t.app, path));
  }
  answered(
    'operator body, malformed',
    await request(t.app)
      .post('/api/v6/transactions')
      .set(auth)
      .set('content-type', 'application/json')
      .send(`{"transactions":[{"cardNumber":"${second}",]}`),
  );

  scan = await scanForCardNumbers({
    query: (sql) => t.query(sql),
    logLines: [...t.logLines, ...clientLog],
  });
  console.info(
    `card corpus: ${String(CARDS.length)} cards x ${String(WRITINGS.length)} writings (${String(WRITTEN.length)} texts) + ${String(CARDS.length)} JSON numbers; ` +
      `scanned ${String(scan.tables)} tables, ${String(scan.columns)} columns, ${String(scan.rows)} rows, ${String(scan.cells)} values, ${String(scan.logLines)} log lines, ${String(answers.length)} answers`,
  );
}, 120_000);

describe('a card-number corpus through every door', () => {
  it('went through: alerts, outcomes, claims, cases and documents were stored', async () => {
    const [counts] = await t.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM alerts) AS alerts,
              (SELECT count(*)::int FROM alert_outcomes) AS outcomes,
              (SELECT count(*)::int FROM merchant_transactions) AS transactions,
              (SELECT count(*)::int FROM mastercom_claims) AS claims,
              (SELECT count(*)::int FROM mastercom_chargebacks) AS chargebacks,
              (SELECT count(*)::int FROM mastercom_cases) AS cases,
              (SELECT count(*)::int FROM mastercom_case_events) AS case_events,
              (SELECT count(*)::int FROM mastercom_documents) AS documents`,
    );
    const short = CARDS.filter((card) => card.length <= 16).length;
    expect(counts).toEqual({
      alerts: CARDS.length,
      outcomes: CARDS.length,
      transactions: CARDS.length,
      claims: CARDS.length,
      chargebacks: CARDS.length,
      cases: CARDS.length,
      case_events: 2 * CARDS.length,
      documents: 2 * CARDS.length + short,
    });
    expect(processing.ethoca.received.length).toBeGreaterThan(0);
    expect(mastercom.chargebackUpdates).toHaveLength(CARDS.length);
  });

  it('kept each alert card and each filed card as BIN and last four only', async () => {
    const alerts = await t.query<{ card_bin: string; card_last4: string }>(
      'SELECT card_bin, card_last4 FROM alerts ORDER BY card_bin, card_last4',
    );
    expect(alerts).toEqual(
      CARDS.map((card) => ({ card_bin: card.slice(0, 6), card_last4: card.slice(-4) })).sort(
        (a, b) => `${a.card_bin}${a.card_last4}`.localeCompare(`${b.card_bin}${b.card_last4}`),
      ),
    );
    for (const { caseId, card } of filedCases) {
      const [row] = await t.query<{ pan: string }>(
        "SELECT request->>'primaryAccountNum' AS pan FROM mastercom_cases WHERE case_id = $1",
        [caseId],
      );
      expect(row?.pan).toBe(`${card.slice(0, 6)}${'*'.repeat(card.length - 10)}${card.slice(-4)}`);
    }
  });

  it('sent each filing by card number to Mastercom with the full number, in flight only', () => {
    for (const { caseId, card } of filedCases) {
      expect(mastercom.cases.get(caseId)?.request.primaryAccountNum).toBe(card);
    }
  });

  it('forwarded no full card number to Ethoca or Mastercom beyond those filings', () => {
    const sent = [
      ...processing.ethoca.received.map((req) => ({ to: `Ethoca ${req.path}`, body: req.rawBody })),
      ...mastercom.received.map((req) => {
        const body = req.body as Record<string, unknown> | undefined;
        const isFiling = req.method === 'POST' && req.path.endsWith('/v6/cases');
        return {
          to: `Mastercom ${req.method} ${req.path}`,
          body: isFiling ? JSON.stringify({ ...body, primaryAccountNum: undefined }) : req.rawBody,
        };
      }),
    ];
    expect(sent.length).toBeGreaterThan(3 * CARDS.length);
    expect(
      sent.flatMap(({ to, body }) => findCardNumbers(body).map((found) => `${to}: ${found}`)),
    ).toEqual([]);
  });

  it('answered every request without a full card number', () => {
    // Mastercom's refusal is the one server-side failure the corpus asks for.
    expect(
      answers.filter((answer) => answer.status >= 500 && answer.door !== 'case filing, refused'),
    ).toEqual([]);
    expect(
      answers.flatMap(({ door, text }) =>
        findCardNumbers(text).map((found) => `${door}: ${found}`),
      ),
    ).toEqual([]);
  });

  it('left no full card number in any column of any table or in any log line', () => {
    expect(scan.tables).toBeGreaterThan(10);
    expect(scan.rows).toBeGreaterThan(10 * CARDS.length);
    expect(scan.logLines).toBeGreaterThan(CARDS.length);
    expect(scan.found).toEqual([]);
  });
});
