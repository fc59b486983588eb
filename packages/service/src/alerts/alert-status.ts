/** The lifecycle of an alert, in the order the happy path walks it. */
export const ALERT_STATUSES = [
  'RECEIVED',
  'MATCHED',
  'UNMATCHED',
  'ACTIONED',
  'OUTCOME_PENDING',
  'OUTCOME_SENT',
  'OUTCOME_FAILED',
] as const;

export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Statuses after which no further outcome work happens for the alert. */
export const FINAL_STATUSES: readonly AlertStatus[] = ['OUTCOME_SENT', 'OUTCOME_FAILED'];
