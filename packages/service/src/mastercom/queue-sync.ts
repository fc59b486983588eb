/**
 * Chargeback queue sync: reads the configured Mastercom queues by date interval, stores the claims
 * and their chargebacks (deduplicated by Mastercom's ids), links each new claim to the Ethoca
 * alert about the same transaction (same ARN), and acknowledges new chargebacks, at most 100 per
 * call as Mastercom asks.
 *
 * Each queue has a watermark: the end of the last interval read completely. A restarted worker
 * starts there, so claims already read are not read again. Acknowledgement is driven by the
 * database (chargebacks stored but not yet acknowledged), not by what this run happened to read,
 * so a run that stored chargebacks and then failed to acknowledge them is completed by the next.
 */
import {
  MAX_ACKNOWLEDGEMENTS_PER_REQUEST,
  MAX_CLAIMS_PER_QUEUE_PAGE,
  MAX_QUEUE_INTERVAL_DAYS,
  type ChargebackDetails,
  type ClaimSummary,
} from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import { maskCardNumbersDeep } from '../platform/card-masking.js';
import type { Database } from '../platform/database-schema.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { MastercomClient } from './mastercom-client.js';
import { MastercomError } from './mastercom-error.js';

/** Any constant unique to this job; two workers never sync at the same time. */
const SYNC_LOCK_KEY = 0x4d43_5359; // "MCSY"
const DAY_MS = 86_400_000;
/** Page numbers are at most three digits in Mastercom's request. */
const MAX_PAGES_PER_INTERVAL = 999;
/** Claim details are fetched a few at a time: fast enough, and gentle on the rate limit. */
const CLAIM_FETCH_CONCURRENCY = 8;
/** Most chargebacks acknowledged in one run; the rest wait for the next run. */
const MAX_ACKNOWLEDGEMENTS_PER_RUN = 5000;

export interface QueueSyncOptions {
  queues: readonly string[];
  /** Where the first read of a queue starts, in days before now. */
  lookbackDays: number;
}

export interface QueueSyncDeps {
  db: Kysely<Database>;
  client: MastercomClient;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

export interface QueueSyncResult {
  queues: {
    queueName: string;
    from: string;
    to: string;
    claimsRead: number;
    newClaims: number;
    newChargebacks: number;
    linkedToAlerts: number;
  }[];
  acknowledged: number;
  acknowledgementCalls: number;
  acknowledgementFailures: number;
}

/** `yyyy-MM-ddTHH:mm` in UTC. Mastercom's interval bounds have minute resolution. */
export function mastercomMinute(date: Date): string {
  return date.toISOString().slice(0, 16);
}

function truncateToMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}

/** [from, to] cut into intervals of at most MAX_QUEUE_INTERVAL_DAYS, for exact page counts. */
export function queueIntervals(from: Date, to: Date): { from: Date; to: Date }[] {
  const intervals: { from: Date; to: Date }[] = [];
  const step = MAX_QUEUE_INTERVAL_DAYS * DAY_MS;
  for (let start = from.getTime(); start <= to.getTime(); start += step) {
    intervals.push({ from: new Date(start), to: new Date(Math.min(start + step, to.getTime())) });
    if (start + step >= to.getTime()) break;
  }
  return intervals;
}

export class MastercomQueueSync {
  readonly #deps: QueueSyncDeps;
  readonly #options: QueueSyncOptions;

  constructor(deps: QueueSyncDeps, options: QueueSyncOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  /** One complete sync, or `skipped` when another process holds the sync lock. */
  async run(): Promise<QueueSyncResult | { skipped: 'locked' }> {
    return this.#deps.db.connection().execute(async (connection) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`SELECT pg_try_advisory_lock(${SYNC_LOCK_KEY}) AS locked`.execute(connection);
      if (rows[0]?.locked !== true) return { skipped: 'locked' as const };
      try {
        return await this.#runLocked();
      } finally {
        await sql`SELECT pg_advisory_unlock(${SYNC_LOCK_KEY})`.execute(connection);
      }
    });
  }

  async #runLocked(): Promise<QueueSyncResult> {
    const { client, logger, metrics } = this.#deps;
    const started = performance.now();
    const available = new Set((await client.listQueueNames()).map((queue) => queue.queueName));
    const result: QueueSyncResult = {
      queues: [],
      acknowledged: 0,
      acknowledgementCalls: 0,
      acknowledgementFailures: 0,
    };
    for (const queueName of this.#options.queues) {
      if (!available.has(queueName)) {
        logger.warn({ queueName, available: [...available] }, 'Mastercom has no such queue');
        continue;
      }
      result.queues.push(await this.#syncQueue(queueName));
    }
    Object.assign(result, await this.#acknowledgePending());
    metrics.timing('sync.duration', performance.now() - started);
    logger.info({ sync: result }, 'Mastercom queue sync finished');
    return result;
  }

  async #syncQueue(queueName: string): Promise<QueueSyncResult['queues'][number]> {
    const { db, client, metrics } = this.#deps;
    const now = truncateToMinute((this.#deps.now ?? (() => new Date()))());
    const state = await db
      .selectFrom('mastercom_sync_state')
      .select('watermark')
      .where('queue_name', '=', queueName)
      .executeTakeFirst();
    // The next read starts at the minute the last one ended in, so a claim modified later in
    // that same minute is still seen; reading it twice is harmless.
    const from = state?.watermark ?? new Date(now.getTime() - this.#options.lookbackDays * DAY_MS);
    const summary = {
      queueName,
      from: mastercomMinute(from),
      to: mastercomMinute(now),
      claimsRead: 0,
      newClaims: 0,
      newChargebacks: 0,
      linkedToAlerts: 0,
    };
    for (const interval of queueIntervals(from, now)) {
      for (let pageNb = 1; pageNb <= MAX_PAGES_PER_INTERVAL; pageNb += 1) {
        const page = await client.claimsInQueueByDate({
          queueName,
          lastModifiedDateFrom: mastercomMinute(interval.from),
          lastModifiedDateTo: mastercomMinute(interval.to),
          pageNb: String(pageNb),
        });
        summary.claimsRead += page.claimList.length;
        const changed = await this.#changedClaims(page.claimList);
        for (let index = 0; index < changed.length; index += CLAIM_FETCH_CONCURRENCY) {
          const batch = changed.slice(index, index + CLAIM_FETCH_CONCURRENCY);
          const details = await Promise.all(batch.map((claim) => client.getClaim(claim.claimId)));
          for (const [position, claim] of batch.entries()) {
            const stored = await this.#storeClaim(
              claim,
              details[position]?.chargebackDetails ?? [],
            );
            summary.newClaims += stored.newClaim ? 1 : 0;
            summary.newChargebacks += stored.newChargebacks;
            summary.linkedToAlerts += stored.linked ? 1 : 0;
          }
        }
        // The page count is exact for intervals of up to five days; without one, a full page
        // means there may be another.
        const more =
          page.pageCount === undefined
            ? page.claimList.length >= MAX_CLAIMS_PER_QUEUE_PAGE
            : pageNb < Number(page.pageCount);
        if (!more) break;
      }
    }
    await db
      .insertInto('mastercom_sync_state')
      .values({ queue_name: queueName, watermark: now, updated_at: new Date() })
      .onConflict((conflict) =>
        conflict.column('queue_name').doUpdateSet({ watermark: now, updated_at: new Date() }),
      )
      .execute();
    metrics.increment('sync.claims_read', summary.claimsRead, [`queue:${queueName}`]);
    metrics.increment('chargebacks.new', summary.newChargebacks, [`queue:${queueName}`]);
    return summary;
  }

  /** Claims not stored yet, or stored with another modification date: the ones worth a GET. */
  async #changedClaims(claims: readonly ClaimSummary[]): Promise<ClaimSummary[]> {
    if (claims.length === 0) return [];
    const unique = [...new Map(claims.map((claim) => [claim.claimId, claim])).values()];
    const stored = await this.#deps.db
      .selectFrom('mastercom_claims')
      .select(['claim_id', 'last_modified_date', 'queue_name'])
      .where(
        'claim_id',
        'in',
        unique.map((claim) => claim.claimId),
      )
      .execute();
    const known = new Map(stored.map((row) => [row.claim_id, row]));
    return unique.filter((claim) => {
      const row = known.get(claim.claimId);
      if (row === undefined) return true;
      return (
        row.last_modified_date !== (claim.lastModifiedDate ?? null) ||
        row.queue_name !== (claim.queueName ?? null)
      );
    });
  }

  async #storeClaim(
    received: ClaimSummary,
    receivedChargebacks: readonly ChargebackDetails[],
  ): Promise<{ newClaim: boolean; newChargebacks: number; linked: boolean }> {
    // Claims carry the cardholder's primaryAccountNum and free text; only masked copies are kept.
    // Mastercom's ids stay as sent: they are keys for the calls that follow.
    const claim = { ...(maskCardNumbersDeep(received) as ClaimSummary), claimId: received.claimId };
    const chargebacks = receivedChargebacks.map((chargeback) => ({
      ...(maskCardNumbersDeep(chargeback) as ChargebackDetails),
      chargebackId: chargeback.chargebackId,
      claimId: chargeback.claimId,
    }));
    const outcome = await this.#deps.db.transaction().execute(async (trx) => {
      const claimRow = {
        queue_name: claim.queueName ?? null,
        acquirer_ref_num: claim.acquirerRefNum ?? null,
        claim_type: claim.claimType ?? null,
        claim_value: claim.claimValue ?? null,
        progress_state: claim.progressState ?? null,
        is_open: claim.isOpen ?? null,
        last_modified_date: claim.lastModifiedDate ?? null,
        summary: JSON.stringify(claim),
      };
      const stored = await trx
        .insertInto('mastercom_claims')
        .values({ claim_id: claim.claimId, ...claimRow })
        .onConflict((conflict) =>
          conflict.column('claim_id').doUpdateSet({ ...claimRow, updated_at: new Date() }),
        )
        .returning(['alert_id', sql<boolean>`xmax = 0`.as('inserted')])
        .executeTakeFirstOrThrow();
      if (stored.inserted) {
        await trx
          .insertInto('mastercom_claim_events')
          .values({
            claim_id: claim.claimId,
            kind: 'DISCOVERED',
            detail: JSON.stringify({
              queueName: claim.queueName ?? null,
              progressState: claim.progressState ?? null,
            }),
          })
          .execute();
      }
      let newChargebacks: ChargebackDetails[] = [];
      for (const chargeback of chargebacks) {
        const row = {
          claim_id: claim.claimId,
          chargeback_type: chargeback.chargebackType,
          reason_code: chargeback.reasonCode,
          amount_value: chargeback.amount,
          amount_currency: chargeback.currency,
          chargeback_ref_num: chargeback.chargebackRefNum ?? null,
          create_date: chargeback.createDate ?? null,
          detail: JSON.stringify(chargeback),
        };
        const result = await trx
          .insertInto('mastercom_chargebacks')
          .values({ chargeback_id: chargeback.chargebackId, ...row })
          .onConflict((conflict) =>
            conflict.column('chargeback_id').doUpdateSet({ ...row, updated_at: new Date() }),
          )
          .returning(sql<boolean>`xmax = 0`.as('inserted'))
          .executeTakeFirstOrThrow();
        if (result.inserted) newChargebacks = [...newChargebacks, chargeback];
      }
      const linked =
        stored.alert_id === null && claim.acquirerRefNum !== undefined
          ? await linkToAlert(trx, claim, chargebacks)
          : false;
      return { newClaim: stored.inserted, newChargebacks: newChargebacks.length, linked };
    });
    if (outcome.linked) {
      this.#deps.metrics.increment('alerts.became_chargeback');
      this.#deps.logger.info(
        { claimId: claim.claimId },
        'an Ethoca alert became a chargeback: claim linked to the alert by ARN',
      );
    }
    return outcome;
  }

  /** Acknowledges stored, unacknowledged first chargebacks of Unworked claims, 100 per call. */
  async #acknowledgePending(): Promise<
    Pick<QueueSyncResult, 'acknowledged' | 'acknowledgementCalls' | 'acknowledgementFailures'>
  > {
    const { db, client, logger, metrics } = this.#deps;
    const pending = await db
      .selectFrom('mastercom_chargebacks as cb')
      .innerJoin('mastercom_claims as claim', 'claim.claim_id', 'cb.claim_id')
      .select(['cb.chargeback_id', 'cb.claim_id'])
      .where('cb.acknowledged_at', 'is', null)
      // Second presentments are our own answers; only the issuer's chargebacks are acknowledged.
      .where('cb.chargeback_type', '=', 'CHARGEBACK')
      .where('claim.queue_name', '=', 'Unworked')
      .orderBy('cb.first_seen_at')
      .orderBy('cb.chargeback_id')
      .limit(MAX_ACKNOWLEDGEMENTS_PER_RUN)
      .execute();
    let acknowledged = 0;
    let calls = 0;
    let failures = 0;
    for (let index = 0; index < pending.length; index += MAX_ACKNOWLEDGEMENTS_PER_REQUEST) {
      const batch = pending.slice(index, index + MAX_ACKNOWLEDGEMENTS_PER_REQUEST);
      let response;
      try {
        calls += 1;
        response = await client.acknowledgeChargebacks({
          chargebackList: batch.map((row) => ({
            claimId: row.claim_id,
            chargebackId: row.chargeback_id,
          })),
        });
      } catch (error) {
        if (!(error instanceof MastercomError)) throw error;
        // The rest stays unacknowledged in the database and is retried by the next run.
        logger.error(
          { err: error, reasonCode: error.reasonCode, pending: pending.length - index },
          'Mastercom refused or did not answer an acknowledgement; the next run tries again',
        );
        failures += batch.length;
        break;
      }
      const refused = new Map(
        (response.chargebackResponseList ?? [])
          .filter((item) => item.chargebackId !== undefined && !isSuccess(item.status))
          .map((item) => [item.chargebackId, item.failureReason ?? item.status ?? 'refused']),
      );
      const done = batch.filter((row) => !refused.has(row.chargeback_id));
      if (refused.size > 0) {
        failures += refused.size;
        logger.warn(
          { refused: Object.fromEntries(refused) },
          'Mastercom refused some acknowledgements',
        );
      }
      if (done.length > 0) {
        await db.transaction().execute(async (trx) => {
          const at = new Date();
          await trx
            .updateTable('mastercom_chargebacks')
            .set({ acknowledged_at: at, updated_at: at })
            .where(
              'chargeback_id',
              'in',
              done.map((row) => row.chargeback_id),
            )
            .execute();
          const claimIds = [...new Set(done.map((row) => row.claim_id))];
          await trx
            .updateTable('mastercom_claims')
            .set({ queue_name: 'Worked', updated_at: at })
            .where('claim_id', 'in', claimIds)
            .execute();
          await trx
            .insertInto('mastercom_claim_events')
            .values(
              done.map((row) => ({
                claim_id: row.claim_id,
                kind: 'ACKNOWLEDGED' as const,
                detail: JSON.stringify({ chargebackId: row.chargeback_id }),
              })),
            )
            .execute();
        });
      }
      acknowledged += done.length;
    }
    metrics.increment('chargebacks.acknowledged', acknowledged);
    if (failures > 0) metrics.increment('chargebacks.acknowledge_failed', failures);
    return { acknowledged, acknowledgementCalls: calls, acknowledgementFailures: failures };
  }
}

function isSuccess(status: string | undefined): boolean {
  return status === undefined || /^(success|ok|acknowledged)$/i.test(status);
}

/**
 * Records, on both sides, that the claim is about the transaction of an earlier Ethoca alert: an
 * alert event by `system` that leaves the alert's status as it is (the alert's outcome is already
 * final or on its way; a chargeback does not change it), and a claim event naming the alert.
 */
async function linkToAlert(
  trx: Kysely<Database>,
  claim: ClaimSummary,
  chargebacks: readonly ChargebackDetails[],
): Promise<boolean> {
  const alert = await trx
    .selectFrom('alerts')
    .select(['alert_id', 'status'])
    .where('acquirer_reference_number', '=', claim.acquirerRefNum ?? '')
    .orderBy('received_at')
    .orderBy('alert_id')
    .limit(1)
    .executeTakeFirst();
  if (alert === undefined) return false;
  await trx
    .updateTable('mastercom_claims')
    .set({ alert_id: alert.alert_id })
    .where('claim_id', '=', claim.claimId)
    .execute();
  const reasonCodes = [...new Set(chargebacks.map((chargeback) => chargeback.reasonCode))];
  await trx
    .insertInto('alert_events')
    .values({
      alert_id: alert.alert_id,
      from_status: alert.status,
      to_status: alert.status,
      actor: 'system',
      reason: `became a chargeback: Mastercom claim ${claim.claimId}${reasonCodes.length > 0 ? ` (reason code ${reasonCodes.join(', ')})` : ''}`,
      detail: JSON.stringify({
        mastercomClaimId: claim.claimId,
        chargebackIds: chargebacks.map((chargeback) => chargeback.chargebackId),
        acquirerRefNum: claim.acquirerRefNum,
      }),
    })
    .execute();
  await trx
    .insertInto('mastercom_claim_events')
    .values({
      claim_id: claim.claimId,
      kind: 'LINKED_TO_ALERT',
      detail: JSON.stringify({ alertId: alert.alert_id, alertStatus: alert.status }),
    })
    .execute();
  return true;
}
