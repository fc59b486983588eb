import { alertAcknowledgementSchema, type EthocaAlert } from '@mastercom/contracts';
import { createAlert } from '@mastercom/contracts/fixtures';
import type { MerchantTransaction } from '@mastercom/contracts';
import {
  createMastercardSigner,
  EthocaOutcomeClient,
  HttpRefundGateway,
  OutcomeDispatcher,
  PostgresMerchantLedger,
  processAlert,
  type OutcomeDispatcherOptions,
  type ProcessAlertDeps,
  type ProcessResult,
} from '@mastercom/service';
import {
  createMockEthoca,
  createMockPsp,
  generateRsaKeyPair,
  startMsw,
  type MockEthoca,
  type MockPsp,
  type MswServer,
} from '@mastercom/testkit';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { deliver, operatorPost, type TestApp } from './test-app.js';

/** Fake origins: msw answers there, and any request elsewhere fails the test. */
export const PSP_URL = 'https://psp.test';
export const ETHOCA_URL = 'https://ethoca.test';
export const CONSUMER_KEY = 'processing-suite-consumer-key';

/** The window the worker uses in production unless configured otherwise. */
export const MATCH_WINDOW_HOURS = 26;

export interface ProcessingOptions {
  /** USD 200 unless given: alerts above it are fought rather than refunded once fulfilled. */
  refundCeilings?: Record<string, number>;
  /** 0 unless given: unmatched alerts are answered NOT_FOUND at once. */
  unmatchedHoldMs?: number;
  /** More msw handlers on the same server, e.g. the mock Mastercom's. */
  extraHandlers?: Parameters<typeof startMsw>[0];
}

export interface Processing {
  readonly psp: MockPsp;
  readonly ethoca: MockEthoca;
  /** The dependencies `processAlert` gets in the worker, pointed at the msw PSP. */
  deps(overrides?: Partial<ProcessAlertDeps>): ProcessAlertDeps;
  process(alertId: string, overrides?: Partial<ProcessAlertDeps>): Promise<ProcessResult>;
  /** The real client with the real signer; the mock verifies every signature. */
  readonly client: EthocaOutcomeClient;
  dispatcher(options?: Partial<OutcomeDispatcherOptions>): OutcomeDispatcher;
}

/**
 * The worker's pieces for this file's database, with the PSP and the Ethoca Outcome API replaced
 * at the HTTP boundary by the testkit mocks under msw. Faults injected by a test are cleared after
 * it, and a request to a host without a handler fails the test that made it.
 */
export function useProcessing(t: TestApp, options: ProcessingOptions = {}): Processing {
  const keys = generateRsaKeyPair();
  const psp = createMockPsp();
  const ethoca = createMockEthoca({ publicKeyPem: keys.publicKeyPem, consumerKey: CONSUMER_KEY });
  const signer = createMastercardSigner({
    consumerKey: CONSUMER_KEY,
    signingKeyPem: keys.privateKeyPem,
  });
  const client = new EthocaOutcomeClient({ baseUrl: ETHOCA_URL, signer, timeoutMs: 5000 });
  let msw: MswServer | undefined;

  beforeAll(() => {
    msw = startMsw([
      ...psp.mswHandlers(PSP_URL),
      ...ethoca.mswHandlers(ETHOCA_URL),
      ...(options.extraHandlers ?? []),
    ]);
  });
  afterEach(() => {
    psp.faults.clear();
    ethoca.faults.clear();
    msw?.assertNoUnhandledRequests();
  });
  afterAll(() => {
    msw?.close();
  });

  const deps = (overrides: Partial<ProcessAlertDeps> = {}): ProcessAlertDeps => ({
    db: t.db,
    ledger: new PostgresMerchantLedger(t.db, MATCH_WINDOW_HOURS),
    refunds: new HttpRefundGateway({ baseUrl: PSP_URL, timeoutMs: 5000 }),
    policy: { refundCeilings: options.refundCeilings ?? { USD: 200 } },
    unmatchedHoldMs: options.unmatchedHoldMs ?? 0,
    ...overrides,
  });

  return {
    psp,
    ethoca,
    client,
    deps,
    process: (alertId, overrides) => processAlert(deps(overrides), alertId),
    dispatcher: (dispatcherOptions = {}) =>
      new OutcomeDispatcher(
        { db: t.db, sender: client, logger: t.logger, metrics: t.metrics },
        {
          batchSize: 25,
          flushIntervalMs: 50,
          leaseMs: 60_000,
          backoffBaseMs: 10,
          backoffCapMs: 20,
          retryBudgetMs: 12 * 3_600_000,
          ...dispatcherOptions,
        },
      ),
  };
}

/**
 * A valid alert of a chosen type and USD amount, with the card as BIN + last 4 only and no
 * chargeback fields, so that what a test changes is all that differs from its transaction.
 */
export function usdAlert(
  seed: number,
  fields: {
    alertType?: 'CONFIRMEDFRAUD' | 'CUSTOMERDISPUTE';
    value?: number;
    [key: string]: unknown;
  } = {},
): EthocaAlert {
  const { alertType = 'CONFIRMEDFRAUD', value = 150, ...overrides } = fields;
  return createAlert(seed, {
    alertType,
    amount: { value, currencyCode: 'USD' },
    cardNumber: undefined,
    cardBin: '545454',
    cardLast4: '5454',
    chargebackAmount: undefined,
    chargebackReasonCode: undefined,
    ...overrides,
  });
}

/** Stores alerts through the webhook, as Ethoca delivers them, and expects each acknowledged. */
export async function storeAlerts(t: TestApp, alerts: readonly EthocaAlert[]): Promise<void> {
  for (let start = 0; start < alerts.length; start += 50) {
    const chunk = alerts.slice(start, start + 50);
    const res = await deliver(t.app, { alerts: chunk });
    expect(res.status).toBe(200);
    expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual(
      chunk.map((alert) => ({ alertId: alert.alertId, status: 'SUCCESS' })),
    );
  }
}

/** Imports the merchant's transactions through `POST /api/v6/transactions`. */
export async function importTransactions(
  t: TestApp,
  transactions: readonly MerchantTransaction[],
): Promise<void> {
  const res = await operatorPost(t.app, '/api/v6/transactions', { transactions });
  expect(res.status).toBe(200);
}

export interface AlertState {
  status: string;
  matched_transaction_id: string | null;
  match_method: string | null;
}

export async function alertState(t: TestApp, alertId: string): Promise<AlertState | undefined> {
  const [row] = await t.query<AlertState & Record<string, unknown>>(
    'SELECT status, matched_transaction_id, match_method FROM alerts WHERE alert_id = $1',
    [alertId],
  );
  return row;
}

export interface EventRow {
  from_status: string | null;
  to_status: string;
  actor: string;
  reason: string;
  detail: Record<string, unknown> | null;
}

/** The alert's event trail, oldest first. */
export async function eventTrail(t: TestApp, alertId: string): Promise<EventRow[]> {
  return t.query<EventRow & Record<string, unknown>>(
    'SELECT from_status, to_status, actor, reason, detail FROM alert_events WHERE alert_id = $1 ORDER BY id',
    [alertId],
  );
}

export interface OutcomeRow {
  outcome: Record<string, unknown>;
  decided_by: string;
  state: string;
  attempts: number;
  last_error: string | null;
  /** Milliseconds from the last claim to the next allowed attempt. */
  wait_ms: number | null;
}

export async function outcomeRow(t: TestApp, alertId: string): Promise<OutcomeRow | undefined> {
  const [row] = await t.query<OutcomeRow & Record<string, unknown>>(
    `SELECT outcome, decided_by, state, attempts, last_error,
            (extract(epoch FROM next_attempt_at - last_attempt_at) * 1000)::float8 AS wait_ms
       FROM alert_outcomes WHERE alert_id = $1`,
    [alertId],
  );
  return row;
}

export interface RefundRow {
  transaction_id: string;
  amount_value: string;
  amount_currency: string;
  status: string;
  psp_refund_id: string | null;
}

export async function refundRows(t: TestApp, alertId: string): Promise<RefundRow[]> {
  return t.query<RefundRow & Record<string, unknown>>(
    `SELECT transaction_id, amount_value::text, amount_currency, status, psp_refund_id
       FROM alert_refunds WHERE alert_id = $1`,
    [alertId],
  );
}

export async function refundedValue(t: TestApp, transactionId: string): Promise<string> {
  const [row] = await t.query<{ refunded_value: string }>(
    'SELECT refunded_value::text FROM merchant_transactions WHERE transaction_id = $1',
    [transactionId],
  );
  if (row === undefined) throw new Error(`no transaction ${transactionId}`);
  return row.refunded_value;
}

/** What is reserved on the transaction for refunds the PSP has not answered finally. */
export async function reservedValue(t: TestApp, transactionId: string): Promise<string> {
  const [row] = await t.query<{ refund_reserved_value: string }>(
    'SELECT refund_reserved_value::text FROM merchant_transactions WHERE transaction_id = $1',
    [transactionId],
  );
  if (row === undefined) throw new Error(`no transaction ${transactionId}`);
  return row.refund_reserved_value;
}

/** The alert's transaction time as stored: the wall clock read in the member's time zone. */
export async function storedTransactionAt(t: TestApp, alertId: string): Promise<Date> {
  const [row] = await t.query<{ at: Date }>(
    'SELECT transaction_timestamp_utc AS at FROM alerts WHERE alert_id = $1',
    [alertId],
  );
  if (row === undefined) throw new Error(`no alert ${alertId}`);
  return row.at;
}
