import type { EthocaAlert, MerchantTransaction } from '@mastercom/contracts';
import { createAlert, transactionForAlert } from '@mastercom/contracts/fixtures';

/** The rows of the service's decision table (packages/service/src/processing/decision-rules.ts). */
export type Rule =
  | 'not-found'
  | 'not-settled'
  | 'previously-refunded'
  | 'not-fulfilled'
  | 'refund-under-ceiling'
  | 'over-ceiling';

/** The rules a steered transaction can reach; `not-found` is an alert without a transaction. */
export const MATCHED_RULES = [
  'not-fulfilled',
  'refund-under-ceiling',
  'over-ceiling',
  'not-settled',
  'previously-refunded',
] as const satisfies readonly Rule[];

/** The rules that call the PSP: a refund, or a void of an unsettled authorisation. */
export const PSP_RULES: ReadonlySet<Rule> = new Set([
  'not-fulfilled',
  'refund-under-ceiling',
  'not-settled',
]);

/** What the table must answer for a rule, by alert type. */
export const EXPECTED: Readonly<
  Record<Rule, { fraud: string; dispute: string; refundStatus: string }>
> = {
  'not-found': { fraud: 'NOT_FOUND', dispute: 'NOT_FOUND', refundStatus: 'NOT_REFUNDED' },
  'not-settled': { fraud: 'STOPPED', dispute: 'RESOLVED', refundStatus: 'NOT_SETTLED' },
  'previously-refunded': {
    fraud: 'PREVIOUSLY_CANCELLED',
    dispute: 'RESOLVED_PREVIOUSLY_REFUNDED',
    refundStatus: 'REFUNDED',
  },
  'not-fulfilled': { fraud: 'STOPPED', dispute: 'RESOLVED', refundStatus: 'REFUNDED' },
  'refund-under-ceiling': { fraud: 'MISSED', dispute: 'RESOLVED', refundStatus: 'REFUNDED' },
  'over-ceiling': { fraud: 'MISSED', dispute: 'UNRESOLVED_DISPUTE', refundStatus: 'NOT_REFUNDED' },
};

/** The ceiling the suite configures for USD (FAST_ENV's REFUND_CEILINGS). */
const USD_CEILING = 500;

export interface SteeredAlert {
  alert: EthocaAlert;
  /** The merchant's record, or undefined for `not-found`. */
  transaction: MerchantTransaction | undefined;
  rule: Rule;
}

export function expectedOutcome(steered: SteeredAlert): { outcome: string; refundStatus: string } {
  const expected = EXPECTED[steered.rule];
  return {
    outcome: steered.alert.alertType === 'CONFIRMEDFRAUD' ? expected.fraud : expected.dispute,
    refundStatus: expected.refundStatus,
  };
}

/**
 * A fixture alert and the transaction that sends it down `rule`. The ceiling rules get a USD
 * amount on the chosen side of the configured ceiling; the others keep the fixture's amount.
 */
export function steeredAlert(seed: number, rule: Rule): SteeredAlert {
  const base = createAlert(seed);
  let alert: EthocaAlert = base;
  if (rule === 'refund-under-ceiling' || rule === 'over-ceiling') {
    const value = rule === 'over-ceiling' ? USD_CEILING + 100 + (seed % 200) : 20 + (seed % 400);
    const amount = { value, currencyCode: 'USD' };
    alert = {
      ...base,
      amount,
      ...(base.chargebackAmount === undefined ? {} : { chargebackAmount: { ...amount } }),
    };
  }
  const transaction = (() => {
    switch (rule) {
      case 'not-found':
        return undefined;
      case 'not-settled':
        return transactionForAlert(alert, { settled: false, fulfilment: 'NOT_FULFILLED' });
      case 'previously-refunded':
        return transactionForAlert(alert, {
          fulfilment: 'FULFILLED',
          refundedValue: alert.amount.value,
        });
      case 'not-fulfilled':
        return transactionForAlert(alert, { fulfilment: 'NOT_FULFILLED' });
      case 'refund-under-ceiling':
      case 'over-ceiling':
        return transactionForAlert(alert, { fulfilment: 'FULFILLED' });
    }
  })();
  return { alert, transaction, rule };
}

/** `count` alerts cycling through `rules`, seeds from `firstSeed` on. */
export function steeredAlerts(
  firstSeed: number,
  count: number,
  rules: readonly Rule[] = MATCHED_RULES,
): SteeredAlert[] {
  return Array.from({ length: count }, (_, index) =>
    steeredAlert(firstSeed + index, rules[index % rules.length]!),
  );
}

export function transactionsOf(steered: readonly SteeredAlert[]): MerchantTransaction[] {
  return steered.flatMap((item) => (item.transaction === undefined ? [] : [item.transaction]));
}
