import * as z from 'zod';
import { ethocaAlertSchema } from './ethoca-alert.js';

export type AlertDeliverySplit =
  { ok: true; alerts: unknown[]; batch: boolean } | { ok: false; reason: string };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Splits one webhook body into the alerts it carries, before any per-alert validation, so one bad
 * alert never hides the good ones next to it. Accepted: `{ "alerts": [ … ] }` with at least one
 * item (a batch), or a single alert object (an object without an `alerts` key). Everything else is
 * rejected with a reason that starts with the field at fault. How many alerts one delivery may
 * carry is the service's configuration, not part of the contract.
 */
export function splitAlertDelivery(body: unknown): AlertDeliverySplit {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      reason: `body: expected an object with an alerts array or a single alert object, got ${describe(body)}`,
    };
  }
  if (!Object.hasOwn(body, 'alerts')) return { ok: true, alerts: [body], batch: false };
  const alerts: unknown = (body as { alerts: unknown }).alerts;
  if (!Array.isArray(alerts)) {
    return { ok: false, reason: `alerts: expected an array of alerts, got ${describe(alerts)}` };
  }
  if (alerts.length === 0) {
    return { ok: false, reason: 'alerts: expected at least one alert, got an empty array' };
  }
  return { ok: true, alerts: [...(alerts as unknown[])], batch: true };
}

/** The request body of the webhook as documented in OpenAPI; parsing goes through splitAlertDelivery. */
export const alertDeliverySchema = z
  .union([
    z.object({ alerts: z.array(ethocaAlertSchema).min(1) }).meta({ title: 'AlertBatch' }),
    ethocaAlertSchema,
  ])
  .meta({
    id: 'AlertDelivery',
    description: 'Either `{ "alerts": [...] }` with at least one alert, or a single alert object',
  });
