import { fromMinorUnits, type EthocaAlert, type MerchantTransaction } from '@mastercom/contracts';
import {
  createAlert,
  createArn,
  SeededRandom,
  transactionForAlert,
} from '@mastercom/contracts/fixtures';
import { alertId } from './service.js';

/** A merchant transaction and the alerts about it, all naming its ARN. */
export interface AlertGroup {
  transaction: MerchantTransaction;
  /** The transaction's amount and what the import says was refunded before, in minor units. */
  amountMinor: number;
  importedRefundedMinor: number;
  alerts: EthocaAlert[];
  /** One delivery with every alert of the group, or one delivery per alert, all at once. */
  delivery: 'together' | 'concurrent';
}

/**
 * Currencies with a refund ceiling in the harness's REFUND_CEILINGS (so a fulfilled transaction
 * under it is refunded by the rules), with two, zero and two decimals.
 */
const CURRENCIES = [
  { code: 'USD', minMinor: 2_000, maxMinor: 40_000 },
  { code: 'EUR', minMinor: 2_000, maxMinor: 40_000 },
  { code: 'GBP', minMinor: 2_000, maxMinor: 35_000 },
  { code: 'JPY', minMinor: 2_000, maxMinor: 60_000 },
] as const;

/**
 * `count` groups of 2-4 alerts about one transaction each, a pure function of `seed`. Every
 * transaction is settled and either not fulfilled or fulfilled under its currency's ceiling, so
 * the rules refund; a few were partly refunded before the import. Each alert asks for more than
 * half of the transaction, so any two of them together ask for more than it has left: an issuer's
 * CONFIRMEDFRAUD and the cardholder's CUSTOMERDISPUTE come first, further alerts of either type.
 */
export function alertGroups(prefix: string, count: number, seed: number): AlertGroup[] {
  const random = new SeededRandom(seed);
  const groups: AlertGroup[] = [];
  let next = 0;
  for (let group = 0; group < count; group += 1) {
    const currency = random.pick(CURRENCIES);
    const amountMinor = random.int(currency.minMinor, currency.maxMinor);
    const importedRefundedMinor = random.chance(0.25)
      ? random.int(1, Math.floor(amountMinor / 3))
      : 0;
    const arn = createArn(random, 2026, random.int(1, 365));
    const size = random.int(2, 4);
    const alerts: EthocaAlert[] = [];
    for (let index = 0; index < size; index += 1) {
      const alertMinor = random.int(Math.floor(amountMinor / 2) + 1, amountMinor);
      // The chargeback fields describe another amount and type; they are left out.
      const {
        chargebackAmount: _amount,
        chargebackReasonCode: _reason,
        ...alert
      } = createAlert(random.fork(), {
        alertId: alertId(prefix, next),
        alertType:
          index === 0
            ? 'CONFIRMEDFRAUD'
            : index === 1
              ? 'CUSTOMERDISPUTE'
              : random.pick(['CONFIRMEDFRAUD', 'CUSTOMERDISPUTE']),
        acquirerReferenceNumber: arn,
        amount: { value: fromMinorUnits(alertMinor, currency.code), currencyCode: currency.code },
      });
      next += 1;
      alerts.push(alert);
    }
    groups.push({
      // Matched by ARN, so the card and time of the first alert are only for realism.
      transaction: transactionForAlert(alerts[0]!, {
        transactionId: `tx_${prefix.toLowerCase()}_${String(group)}`,
        amount: { value: fromMinorUnits(amountMinor, currency.code), currencyCode: currency.code },
        settled: true,
        fulfilment: random.chance(0.5) ? 'NOT_FULFILLED' : 'FULFILLED',
        refundedValue: fromMinorUnits(importedRefundedMinor, currency.code),
      }),
      amountMinor,
      importedRefundedMinor,
      alerts,
      delivery: random.chance(0.5) ? 'together' : 'concurrent',
    });
  }
  return groups;
}
