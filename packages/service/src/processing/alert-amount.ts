import { moneyToMinor, type MinorMoney } from '@mastercom/contracts';
import type { AlertRow } from '../platform/database-schema.js';

/** The alert's transaction amount in minor units, read exactly from its `numeric` column. */
export function alertAmount(alert: Pick<AlertRow, 'amount_value' | 'amount_currency'>): MinorMoney {
  return moneyToMinor({ value: alert.amount_value, currencyCode: alert.amount_currency });
}
