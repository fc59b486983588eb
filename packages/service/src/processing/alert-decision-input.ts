import { moneyToMinor, type MinorMoney } from '@mastercom/contracts';
import type { AlertRow } from '../platform/database/database-schema.js';

// What a decision needs to know about a stored alert, read the same way by the worker, the refund
// reservation and the agents' route.

/** The alert's transaction amount in minor units, read exactly from its `numeric` column. */
export function alertAmount(alert: Pick<AlertRow, 'amount_value' | 'amount_currency'>): MinorMoney {
  return moneyToMinor({ value: alert.amount_value, currencyCode: alert.amount_currency });
}

/** The alert's type as the decision rules and Ethoca's outcome lists name it. */
export function alertTypeOf(
  alert: Pick<AlertRow, 'alert_type'>,
): 'CONFIRMEDFRAUD' | 'CUSTOMERDISPUTE' {
  return alert.alert_type === 'CONFIRMEDFRAUD' ? 'CONFIRMEDFRAUD' : 'CUSTOMERDISPUTE';
}
