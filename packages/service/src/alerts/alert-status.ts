import type { AlertStatus } from '@mastercom/contracts';

export { ALERT_STATUSES, type AlertStatus } from '@mastercom/contracts';

/** Statuses after which no further outcome work happens for the alert. */
export const FINAL_STATUSES: readonly AlertStatus[] = ['OUTCOME_SENT', 'OUTCOME_FAILED'];
