import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import { alertArrivalEvents } from '../lifecycle/index.js';
import type { Database } from '../platform/database/database-schema.js';
import { jsonRows, jsonRowsParameter } from '../platform/database/json-rows.js';
import { preparedAs } from '../platform/database/prepared-statements.js';
import { processAlertJobInsertSql, type JobInsertSql } from '../platform/database/queue.js';
import { QueueWakeup } from '../platform/database/queue-wakeup.js';
import type { Logger } from '../platform/observability/logger.js';

/** Each stored alert's first event; the row itself takes the status column's default. */
const ARRIVAL_EVENTS = alertArrivalEvents('stored', 'delivered by Ethoca');

/** An alert as it is stored: already validated, card number already masked. */
export interface AlertToStore {
  alertId: string;
  alertType: string;
  cardBin: string | null;
  cardLast4: string | null;
  amount: { value: number; currencyCode: string };
  chargebackAmount: { value: number; currencyCode: string } | null;
  acquirerReferenceNumber: string | null;
  merchantDescriptor: string | null;
  alertTimestamp: { raw: string; wallClock: string };
  transactionTimestamp: { raw: string; wallClock: string } | null;
  /** The alert as received, unknown fields included, with every card number masked. */
  payload: Record<string, unknown>;
}

export interface IngestResult {
  alertId: string;
  duplicate: boolean;
}

export interface IngestDeps {
  db: Kysely<Database>;
  queue: PgBoss;
  /** Ethoca timestamps carry no offset; this zone turns their wall-clock time into an instant. */
  memberTimeZone: string;
  logger: Logger;
}

/**
 * How long stored alerts may wait for the NOTIFY that wakes the workers: at most one NOTIFY
 * transaction per 50 ms, and at most 50 ms added to an alert's way to its outcome.
 */
const WAKEUP_WINDOW_MS = 50;

/** One alert as the statement's JSON parameter carries it: the columns the receiver fills. */
interface IncomingRow {
  alert_id: string;
  alert_type: string;
  card_bin: string | null;
  card_last4: string | null;
  amount_value: number;
  amount_currency: string;
  chargeback_amount_value: number | null;
  chargeback_amount_currency: string | null;
  acquirer_reference_number: string | null;
  merchant_descriptor: string | null;
  alert_timestamp_raw: string;
  alert_timestamp_local: string;
  transaction_timestamp_raw: string | null;
  transaction_timestamp_local: string | null;
  payload: Record<string, unknown>;
}

/**
 * Returns the receiver's ingest: it stores alerts, their first trail event and one processing job
 * per new alert, and reports which were new. A redelivered alert (same alertId) changes nothing
 * and is reported as a duplicate, so Ethoca can retry as often as it likes. It resolves only after
 * the commit: callers acknowledge on resolution.
 *
 * All of it is one SQL statement, so one round trip and one commit with no BEGIN or COMMIT of its
 * own: a single statement is atomic, so an alert is never stored without its job. The NOTIFY that
 * wakes the workers follows the commit on its own (QueueWakeup). On a loaded machine every round
 * trip is a wait in the run queue, and the webhook's latency is mostly those.
 * It is a named prepared statement: PostgreSQL plans it once per connection, not on every call.
 */
export function createAlertIngest(
  deps: IngestDeps,
): (alerts: readonly AlertToStore[]) => Promise<IngestResult[]> {
  // The statement needs the queue's table from the database; it is built on first use and built
  // again after a failure (the database may have been down at the first delivery).
  let statement: Promise<IngestStatement> | undefined;
  const ingestStatement = () => {
    statement ??= processAlertJobInsertSql(deps.queue)
      .then((jobs) => buildIngestStatement(deps.db, jobs, deps.memberTimeZone))
      .catch((error: unknown) => {
        statement = undefined;
        throw error;
      });
    return statement;
  };

  const wakeup = new QueueWakeup(
    async () => {
      await deps.db.executeQuery((await ingestStatement()).wakeWorkers);
    },
    {
      windowMs: WAKEUP_WINDOW_MS,
      onError: (error) => {
        deps.logger.warn(
          { err: error },
          'could not wake the processing workers; they find the stored alerts on their next poll',
        );
      },
    },
  );

  return async (alerts) => {
    if (alerts.length === 0) return [];
    const firstOfEach = new Map<string, AlertToStore>();
    for (const alert of alerts)
      if (!firstOfEach.has(alert.alertId)) firstOfEach.set(alert.alertId, alert);
    const rows = [...firstOfEach.values()].map(incomingRow);
    const { rows: stored } = await deps.db.executeQuery((await ingestStatement()).withRows(rows));
    const inserted = new Set(stored.map((row) => row.alert_id));
    if (inserted.size > 0) wakeup.request();

    // The second copy of an id within one delivery is a duplicate of the first.
    const reported = new Set<string>();
    return alerts.map((alert) => {
      const fresh = inserted.has(alert.alertId) && !reported.has(alert.alertId);
      reported.add(alert.alertId);
      return { alertId: alert.alertId, duplicate: !fresh };
    });
  };
}

/** The ingest's one statement, compiled once, and how to run it for a batch of rows. */
interface IngestStatement {
  withRows(rows: readonly IncomingRow[]): CompiledQuery<{ alert_id: string }>;
  /** The NOTIFY that wakes the workers, sent on its own after a commit (see QueueWakeup). */
  wakeWorkers: CompiledQuery;
}

/**
 * Compiles the ingest's statement once: its text never changes (the batch is one JSON parameter),
 * so each delivery only fills in the rows. Rebuilding the text from the template per delivery
 * made a new string every time, which the prepared-statement lookup then hashed in full.
 */
function buildIngestStatement(
  db: Kysely<Database>,
  jobs: JobInsertSql,
  memberTimeZone: string,
): IngestStatement {
  const compiled = sql<{ alert_id: string }>`${preparedAs('ingest-alerts')}
      WITH incoming AS (
        SELECT * FROM ${jsonRows([])} AS x (
          alert_id text, alert_type text, card_bin text, card_last4 text,
          amount_value numeric, amount_currency text,
          chargeback_amount_value numeric, chargeback_amount_currency text,
          acquirer_reference_number text, merchant_descriptor text,
          alert_timestamp_raw text, alert_timestamp_local timestamp,
          transaction_timestamp_raw text, transaction_timestamp_local timestamp,
          payload jsonb
        )
      ),
      stored AS (
        INSERT INTO alerts (
          alert_id, alert_type, card_bin, card_last4, amount_value, amount_currency,
          chargeback_amount_value, chargeback_amount_currency, acquirer_reference_number,
          merchant_descriptor, alert_timestamp_raw, alert_timestamp_local, alert_timestamp_utc,
          transaction_timestamp_raw, transaction_timestamp_local, transaction_timestamp_utc, payload
        )
        SELECT
          alert_id, alert_type, card_bin, card_last4, amount_value, amount_currency,
          chargeback_amount_value, chargeback_amount_currency, acquirer_reference_number,
          merchant_descriptor, alert_timestamp_raw, alert_timestamp_local,
          alert_timestamp_local AT TIME ZONE ${memberTimeZone},
          transaction_timestamp_raw, transaction_timestamp_local,
          transaction_timestamp_local AT TIME ZONE ${memberTimeZone}, payload
        FROM incoming
        ON CONFLICT (alert_id) DO NOTHING
        RETURNING alert_id
      ),
      events AS (${ARRIVAL_EVENTS}),
      jobs AS (
        ${sql.raw(
          jobs.insertFrom(
            `SELECT coalesce(json_agg(json_build_object('data', json_build_object('alertId', alert_id), 'singletonKey', alert_id)), '[]') FROM stored`,
          ),
        )}
      )
      -- The job insert runs although nothing reads it: PostgreSQL runs every data-modifying
      -- statement in WITH to completion (https://www.postgresql.org/docs/current/queries-with.html).
      SELECT alert_id FROM stored
    `.compile(db);
  // The rows are the first parameter (jsonRows above); the rest stay as compiled.
  const [rowsParameter, ...rest] = compiled.parameters;
  if (rowsParameter !== jsonRowsParameter([])) {
    throw new Error('the ingest statement no longer takes its rows as its first parameter');
  }
  return {
    withRows: (rows) => CompiledQuery.raw(compiled.sql, [jsonRowsParameter(rows), ...rest]),
    wakeWorkers: CompiledQuery.raw(`SELECT ${jobs.notify}`),
  };
}

function incomingRow(alert: AlertToStore): IncomingRow {
  return {
    alert_id: alert.alertId,
    alert_type: alert.alertType,
    card_bin: alert.cardBin,
    card_last4: alert.cardLast4,
    amount_value: alert.amount.value,
    amount_currency: alert.amount.currencyCode,
    chargeback_amount_value: alert.chargebackAmount?.value ?? null,
    chargeback_amount_currency: alert.chargebackAmount?.currencyCode ?? null,
    acquirer_reference_number: alert.acquirerReferenceNumber,
    merchant_descriptor: alert.merchantDescriptor,
    alert_timestamp_raw: alert.alertTimestamp.raw,
    alert_timestamp_local: alert.alertTimestamp.wallClock,
    transaction_timestamp_raw: alert.transactionTimestamp?.raw ?? null,
    transaction_timestamp_local: alert.transactionTimestamp?.wallClock ?? null,
    payload: alert.payload,
  };
}
