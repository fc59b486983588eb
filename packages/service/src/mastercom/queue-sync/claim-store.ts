import type { ChargebackDetails, ClaimSummary } from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import { noteAlertEvent } from '../../lifecycle/index.js';
import type { Database } from '../../platform/database/database-schema.js';

/** Every statement of the queue sync: watermarks, claims, chargebacks and their events. */

/** The end of the last interval of `queueName` read completely, if any. */
export async function readWatermark(
  db: Kysely<Database>,
  queueName: string,
): Promise<Date | undefined> {
  const state = await db
    .selectFrom('mastercom_sync_state')
    .select('watermark')
    .where('queue_name', '=', queueName)
    .executeTakeFirst();
  return state?.watermark;
}

export async function saveWatermark(
  db: Kysely<Database>,
  queueName: string,
  watermark: Date,
): Promise<void> {
  await db
    .insertInto('mastercom_sync_state')
    .values({ queue_name: queueName, watermark, updated_at: new Date() })
    .onConflict((conflict) =>
      conflict.column('queue_name').doUpdateSet({ watermark, updated_at: new Date() }),
    )
    .execute();
}

/** Claims not stored yet, or stored with another modification date: the ones worth a GET. */
export async function changedClaims(
  db: Kysely<Database>,
  claims: readonly ClaimSummary[],
): Promise<ClaimSummary[]> {
  if (claims.length === 0) return [];
  const unique = [...new Map(claims.map((claim) => [claim.claimId, claim])).values()];
  const stored = await db
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

export interface StoredClaim {
  newClaim: boolean;
  newChargebacks: number;
  /** The claim was linked to the Ethoca alert about the same transaction just now. */
  linked: boolean;
}

/**
 * Stores a claim and its chargebacks (already masked), deduplicated by Mastercom's ids, in one
 * transaction, and links a claim not linked yet to the earliest alert with its ARN.
 */
export async function storeClaim(
  db: Kysely<Database>,
  claim: ClaimSummary,
  chargebacks: readonly ChargebackDetails[],
): Promise<StoredClaim> {
  return db.transaction().execute(async (trx) => {
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
    let newChargebacks = 0;
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
      if (result.inserted) newChargebacks += 1;
    }
    const linked =
      stored.alert_id === null && claim.acquirerRefNum !== undefined
        ? await linkToAlert(trx, claim, chargebacks)
        : false;
    return { newClaim: stored.inserted, newChargebacks, linked };
  });
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
  await noteAlertEvent(trx, {
    alertId: alert.alert_id,
    actor: 'system',
    reason: `became a chargeback: Mastercom claim ${claim.claimId}${reasonCodes.length > 0 ? ` (reason code ${reasonCodes.join(', ')})` : ''}`,
    detail: {
      mastercomClaimId: claim.claimId,
      chargebackIds: chargebacks.map((chargeback) => chargeback.chargebackId),
      acquirerRefNum: claim.acquirerRefNum,
    },
  });
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

export interface PendingAcknowledgement {
  chargeback_id: string;
  claim_id: string;
}

/** Stored, unacknowledged first chargebacks of Unworked claims, oldest first. */
export async function pendingAcknowledgements(
  db: Kysely<Database>,
  limit: number,
): Promise<PendingAcknowledgement[]> {
  return (
    db
      .selectFrom('mastercom_chargebacks as cb')
      .innerJoin('mastercom_claims as claim', 'claim.claim_id', 'cb.claim_id')
      .select(['cb.chargeback_id', 'cb.claim_id'])
      .where('cb.acknowledged_at', 'is', null)
      // Second presentments are our own answers; only the issuer's chargebacks are acknowledged.
      .where('cb.chargeback_type', '=', 'CHARGEBACK')
      .where('claim.queue_name', '=', 'Unworked')
      .orderBy('cb.first_seen_at')
      .orderBy('cb.chargeback_id')
      .limit(limit)
      .execute()
  );
}

/** Mastercom took these acknowledgements: their claims move to the Worked queue. */
export async function recordAcknowledged(
  db: Kysely<Database>,
  done: readonly PendingAcknowledgement[],
): Promise<void> {
  if (done.length === 0) return;
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
