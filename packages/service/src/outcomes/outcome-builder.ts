import {
  amountWhenNothingMoved,
  minorToMoney,
  type AlertOutcome,
  type MinorMoney,
} from '@mastercom/contracts';
import type { Decision } from '../processing/decision-rules.js';
import type { RefundResult } from '../processing/refund-gateway.js';

export interface OutcomeInput {
  alertId: string;
  /** The alert's amount; decimals appear only in the Outcome API item built here. */
  amount: MinorMoney;
  decision: Decision;
  /** The PSP's answer when the decision asked for a refund or a void. */
  refund: RefundResult | undefined;
  now: Date;
}

/**
 * The Outcome API item for a decided alert. `refundStatus` is REFUNDED only when the PSP
 * confirmed our refund or the merchant had refunded before the alert; amounts that the API
 * requires but that describe nothing moved use `amountWhenNothingMoved` (see contracts).
 */
export function buildOutcome(input: OutcomeInput): AlertOutcome {
  const { decision, refund } = input;
  const timestamp = input.now.toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const nothing = amountWhenNothingMoved(minorToMoney(input.amount));
  const refunded =
    decision.previouslyRefunded || (decision.action === 'refund' && refund?.status === 'SUCCEEDED');
  const notSettled = decision.action === 'void' || refund?.status === 'NOT_SETTLED';
  const refundStatus = notSettled ? 'NOT_SETTLED' : refunded ? 'REFUNDED' : 'NOT_REFUNDED';
  // The Outcome API's minimum of 1 applies to real refunds too; a sub-unit refund reports 1.
  const refundAmount =
    refund?.status === 'SUCCEEDED' ? amountWhenNothingMoved(minorToMoney(refund.amount)) : nothing;
  return {
    alertId: input.alertId,
    outcome: decision.outcome,
    refundStatus,
    refund: {
      amount: refundAmount,
      ...(refunded ? { type: 'REFUND' as const } : {}),
      timestamp,
      ...(refund?.status === 'SUCCEEDED' ? { transactionId: refund.refundId.slice(0, 64) } : {}),
    },
    amountStopped: nothing,
    comments: `decided by rule ${decision.rule}`,
    actionTimestamp: timestamp,
  };
}
