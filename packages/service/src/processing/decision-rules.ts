import {
  outcomesForAlertType,
  toMinorUnits,
  type MinorMoney,
  type OutcomeCode,
} from '@mastercom/contracts';

/**
 * The decision table. One row decides each alert; the first row whose condition holds wins.
 *
 * | rule               | condition                                      | fraud                | dispute                      | action        |
 * | ------------------ | ---------------------------------------------- | -------------------- | ---------------------------- | ------------- |
 * | not-found          | no merchant transaction matched                | NOT_FOUND            | NOT_FOUND                    | none          |
 * | not-settled        | the authorisation never settled (voided)       | STOPPED              | RESOLVED                     | void          |
 * | previously-refunded| already refunded in full, or order cancelled   | PREVIOUSLY_CANCELLED | RESOLVED_PREVIOUSLY_REFUNDED | none          |
 * | not-fulfilled      | nothing shipped or consumed yet                | STOPPED              | RESOLVED                     | stop + refund |
 * | refund-under-ceiling | fulfilled, amount <= ceiling for the currency| MISSED               | RESOLVED                     | refund        |
 * | over-ceiling       | fulfilled, amount above the ceiling            | MISSED               | UNRESOLVED_DISPUTE           | none          |
 *
 * The ceiling is the merchant's policy: below it a refund costs less than the chargeback and its
 * fee would; above it the merchant fights the dispute. A currency without a ceiling is never
 * refunded automatically once fulfilled.
 */
export type RefundAction = 'none' | 'refund' | 'void';

export interface Decision {
  rule:
    | 'not-found'
    | 'not-settled'
    | 'previously-refunded'
    | 'not-fulfilled'
    | 'refund-under-ceiling'
    | 'over-ceiling';
  outcome: OutcomeCode;
  action: RefundAction;
  /** Whether fulfilment was stopped (the amount is then reported as `amountStopped`). */
  stopped: boolean;
  /** Whether the transaction had been refunded before the alert arrived. */
  previouslyRefunded: boolean;
}

export interface DecisionInput {
  alertType: 'CONFIRMEDFRAUD' | 'CUSTOMERDISPUTE';
  alertAmount: MinorMoney;
  /** Amounts in minor units of the transaction's currency. */
  transaction:
    | {
        settled: boolean;
        fulfilment: 'NOT_FULFILLED' | 'FULFILLED' | 'CANCELLED';
        amountMinor: number;
        /** Refunded and confirmed, by the merchant before or by this service. */
        refundedMinor: number;
      }
    | undefined;
}

export interface DecisionPolicy {
  /** Largest amount refunded without a human, per ISO 4217 currency code, in major units. */
  refundCeilings: Readonly<Record<string, number>>;
}

export function decide(input: DecisionInput, policy: DecisionPolicy): Decision {
  const fraud = input.alertType === 'CONFIRMEDFRAUD';
  const pick = (
    rule: Decision['rule'],
    fraudOutcome: OutcomeCode,
    disputeOutcome: OutcomeCode,
    action: RefundAction,
    extra: Partial<Decision> = {},
  ): Decision => {
    const decision = {
      rule,
      outcome: fraud ? fraudOutcome : disputeOutcome,
      action,
      stopped: false,
      previouslyRefunded: false,
      ...extra,
    };
    // A rule that names an outcome Ethoca refuses for this alert type is a defect in this table.
    if (!outcomesForAlertType(input.alertType).includes(decision.outcome)) {
      throw new Error(
        `rule ${rule} chose ${decision.outcome}, which Ethoca refuses for ${input.alertType}`,
      );
    }
    return decision;
  };

  const transaction = input.transaction;
  if (transaction === undefined) return pick('not-found', 'NOT_FOUND', 'NOT_FOUND', 'none');
  if (!transaction.settled)
    return pick('not-settled', 'STOPPED', 'RESOLVED', 'void', { stopped: true });
  if (
    transaction.fulfilment === 'CANCELLED' ||
    transaction.refundedMinor >= transaction.amountMinor
  ) {
    return pick(
      'previously-refunded',
      'PREVIOUSLY_CANCELLED',
      'RESOLVED_PREVIOUSLY_REFUNDED',
      'none',
      { previouslyRefunded: true },
    );
  }
  if (transaction.fulfilment === 'NOT_FULFILLED')
    return pick('not-fulfilled', 'STOPPED', 'RESOLVED', 'refund', { stopped: true });
  const ceiling = policy.refundCeilings[input.alertAmount.currencyCode];
  if (
    ceiling !== undefined &&
    input.alertAmount.minor <= toMinorUnits(ceiling, input.alertAmount.currencyCode)
  ) {
    return pick('refund-under-ceiling', 'MISSED', 'RESOLVED', 'refund');
  }
  return pick('over-ceiling', 'MISSED', 'UNRESOLVED_DISPUTE', 'none');
}

/** Parses `USD=500,EUR=450` into a ceiling table; throws naming the bad entry. */
export function parseRefundCeilings(text: string): Record<string, number> {
  const ceilings: Record<string, number> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [currency = '', amount = ''] = entry.split('=');
    const value = Number(amount);
    if (
      !/^[A-Z]{3}$/.test(currency) ||
      amount.trim() === '' ||
      !Number.isFinite(value) ||
      value < 0
    ) {
      throw new Error(`refund ceiling "${entry}" is not CUR=amount`);
    }
    try {
      // The ceiling is compared in minor units, so it must be money in its currency.
      toMinorUnits(amount.trim(), currency);
    } catch (error) {
      throw new Error(`refund ceiling "${entry}": ${(error as Error).message}`);
    }
    ceilings[currency] = value;
  }
  return ceilings;
}
