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
import { maskCardNumbersDeep } from '../../platform/security/card-masking.js';
import type { Database } from '../../platform/database/database-schema.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { MastercomClient } from '../mastercom-client.js';
import { MastercomError } from '../mastercom-error.js';
import {
  changedClaims,
  pendingAcknowledgements,
  readWatermark,
  recordAcknowledged,
  saveWatermark,
  storeClaim,
} from './claim-store.js';

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
    const watermark = await readWatermark(db, queueName);
    // The next read starts at the minute the last one ended in, so a claim modified later in
    // that same minute is still seen; reading it twice is harmless.
    const from = watermark ?? new Date(now.getTime() - this.#options.lookbackDays * DAY_MS);
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
        const changed = await changedClaims(db, page.claimList);
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
    await saveWatermark(db, queueName, now);
    metrics.increment('sync.claims_read', summary.claimsRead, [`queue:${queueName}`]);
    metrics.increment('chargebacks.new', summary.newChargebacks, [`queue:${queueName}`]);
    return summary;
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
    const outcome = await storeClaim(this.#deps.db, claim, chargebacks);
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
    const pending = await pendingAcknowledgements(db, MAX_ACKNOWLEDGEMENTS_PER_RUN);
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
      await recordAcknowledged(db, done);
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
