/**
 * What one webhook iteration sends, by its position in a cycle of ten iterations: mostly single
 * alerts (Ethoca's usual push), a share of redeliveries of an alert already sent (Ethoca delivers
 * at least once, so the dedupe path is part of normal traffic) and a batch now and then (issuer
 * bursts arrive as `{ "alerts": [...] }`).
 */
export type WebhookDeliveryKind = 'single' | 'redelivery' | 'batch';

export const BATCH_SIZE = 11;

/** The cycle in iteration order; its length is the cycle length. */
export const WEBHOOK_CYCLE: readonly WebhookDeliveryKind[] = [
  'single',
  'single',
  'single',
  'redelivery',
  'single',
  'single',
  'batch',
  'single',
  'redelivery',
  'single',
];

export function deliveryKind(iteration: number): WebhookDeliveryKind {
  const kind = WEBHOOK_CYCLE[iteration % WEBHOOK_CYCLE.length];
  if (kind === undefined) throw new Error(`no delivery kind for iteration ${iteration}`);
  return kind;
}

export function alertsIn(kind: WebhookDeliveryKind): number {
  return kind === 'batch' ? BATCH_SIZE : 1;
}

/** Alerts acknowledged per webhook iteration on average, redeliveries included. */
export const ALERTS_PER_ITERATION =
  WEBHOOK_CYCLE.reduce((sum, kind) => sum + alertsIn(kind), 0) / WEBHOOK_CYCLE.length;

/** Share of acknowledged alerts that are redeliveries. */
export const REDELIVERY_SHARE =
  WEBHOOK_CYCLE.filter((kind) => kind === 'redelivery').length /
  (ALERTS_PER_ITERATION * WEBHOOK_CYCLE.length);
