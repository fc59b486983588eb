import * as z from 'zod';
import { ethocaErrorItemSchema, type EthocaErrorItem } from './ethoca-error.js';

/**
 * What our webhook answers Ethoca with: one entry per delivered alert, in delivery order, in the
 * style of Ethoca's own Outcome API responses (the push acknowledgement schema is not public).
 */
export const ACKNOWLEDGEMENT_STATUSES = ['SUCCESS', 'FAILURE'] as const;

export const alertResponseSchema = z
  .object({
    alertId: z.string().nullable().meta({
      description: 'The alertId as delivered; null only when the item had no usable string alertId',
    }),
    status: z.enum(ACKNOWLEDGEMENT_STATUSES),
    errors: z.array(ethocaErrorItemSchema).optional(),
  })
  .meta({ id: 'AlertResponse' });
export type AlertResponse = z.infer<typeof alertResponseSchema>;

export const alertAcknowledgementSchema = z
  .object({ alertResponses: z.array(alertResponseSchema) })
  .meta({ id: 'AlertAcknowledgement', description: 'One response per delivered alert, in order' });
export type AlertAcknowledgement = z.infer<typeof alertAcknowledgementSchema>;

/**
 * The id to echo for one delivered item. A string id is echoed even when it is malformed, so
 * Ethoca can tell which alert failed; only a missing, non-string, empty or absurdly long value
 * gives null.
 */
export function acknowledgementAlertId(item: unknown): string | null {
  if (typeof item !== 'object' || item === null) return null;
  const id = (item as { alertId?: unknown }).alertId;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
}

export function alertSuccess(alertId: string): AlertResponse {
  return { alertId, status: 'SUCCESS' };
}

export function alertFailure(alertId: string | null, errors: EthocaErrorItem[]): AlertResponse {
  return { alertId, status: 'FAILURE', errors };
}
