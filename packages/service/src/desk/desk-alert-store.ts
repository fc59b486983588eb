import type { AlertOutcome, DeskAlert } from '@mastercom/contracts';
import type { Kysely } from 'kysely';
import { findAlert } from '../alerts/alert-store.js';
import { toAlertEvent, toStoredAlert } from '../alerts/stored-alert-view.js';
import { listCasesOfAlert } from '../mastercom/case-store.js';
import { DECIDABLE_STATUSES } from '../outcomes/agent-outcome-recording.js';
import type { Database } from '../platform/database/database-schema.js';
import { alertDeadline } from './alert-deadline.js';

/**
 * Everything the desk shows of one alert, read in one snapshot (a repeatable-read transaction), so
 * an alert that moves on while it is read is shown as it stood, never half before and half after.
 */
export async function readDeskAlert(
  db: Kysely<Database>,
  alertId: string,
  now: Date,
): Promise<DeskAlert | undefined> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const found = await findAlert(trx, alertId);
      if (found === undefined) return undefined;
      const { alert } = found;
      const [transaction, refunds, outcome, claims] = await Promise.all([
        alert.matched_transaction_id === null
          ? undefined
          : trx
              .selectFrom('merchant_transactions')
              .selectAll()
              .where('transaction_id', '=', alert.matched_transaction_id)
              .executeTakeFirst(),
        trx
          .selectFrom('alert_refunds')
          .selectAll()
          .where('alert_id', '=', alertId)
          .orderBy('created_at')
          .execute(),
        trx
          .selectFrom('alert_outcomes')
          .selectAll()
          .where('alert_id', '=', alertId)
          .executeTakeFirst(),
        trx
          .selectFrom('mastercom_claims')
          .selectAll()
          .where('alert_id', '=', alertId)
          .orderBy('claim_id')
          .execute(),
      ]);
      const claimIds = claims.map((claim) => claim.claim_id);
      const [chargebacks, cases] = await Promise.all([
        claimIds.length === 0
          ? []
          : trx
              .selectFrom('mastercom_chargebacks')
              .selectAll()
              .where('claim_id', 'in', claimIds)
              .orderBy('chargeback_id')
              .execute(),
        listCasesOfAlert(trx, alertId, claimIds),
      ]);
      return {
        alert: { ...toStoredAlert(alert), events: found.events.map(toAlertEvent) },
        ...alertDeadline(alert.received_at, now),
        decidable: DECIDABLE_STATUSES.includes(alert.status),
        transaction:
          transaction === undefined
            ? null
            : {
                transactionId: transaction.transaction_id,
                matchMethod: alert.match_method,
                acquirerReferenceNumber: transaction.acquirer_reference_number,
                card: { bin: transaction.card_bin, last4: transaction.card_last4 },
                amount: {
                  value: transaction.amount_value,
                  currencyCode: transaction.amount_currency,
                },
                authCode: transaction.auth_code,
                transactionAt: transaction.transaction_at.toISOString(),
                descriptor: transaction.descriptor,
                settled: transaction.settled,
                fulfilment: transaction.fulfilment,
                refunded: transaction.refunded_value,
              },
        refunds: refunds.map((refund) => ({
          transactionId: refund.transaction_id,
          amount: { value: refund.amount_value, currencyCode: refund.amount_currency },
          status: refund.status,
          pspRefundId: refund.psp_refund_id,
          createdAt: refund.created_at.toISOString(),
          updatedAt: refund.updated_at.toISOString(),
        })),
        outcome:
          outcome === undefined
            ? null
            : {
                outcome: outcome.outcome as AlertOutcome,
                decidedBy: outcome.decided_by,
                delivery: outcome.state,
                attempts: outcome.attempts,
                lastAttemptAt: outcome.last_attempt_at?.toISOString() ?? null,
                sentAt: outcome.sent_at?.toISOString() ?? null,
                ethocaAnswer: outcome.last_error,
              },
        claims: claims.map((claim) => ({
          claimId: claim.claim_id,
          queueName: claim.queue_name,
          claimType: claim.claim_type,
          claimValue: claim.claim_value,
          progressState: claim.progress_state,
          isOpen: claim.is_open,
          lastModifiedDate: claim.last_modified_date,
          chargebacks: chargebacks
            .filter((chargeback) => chargeback.claim_id === claim.claim_id)
            .map((chargeback) => ({
              chargebackId: chargeback.chargeback_id,
              chargebackType: chargeback.chargeback_type,
              reasonCode: chargeback.reason_code,
              amount: {
                value: chargeback.amount_value,
                currencyCode: chargeback.amount_currency,
              },
              chargebackRefNum: chargeback.chargeback_ref_num,
              createDate: chargeback.create_date,
              acknowledgedAt: chargeback.acknowledged_at?.toISOString() ?? null,
            })),
        })),
        cases,
      };
    });
}
