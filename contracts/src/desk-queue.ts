/**
 * The dispute agents' queue: alerts the rules left for a person, the one whose Ethoca deadline is
 * nearest first. `GET /api/v6/desk/queue`.
 */
import * as z from 'zod';
import { alertTypeSchema } from './ethoca-alert.js';
import type { DeadlineBucket } from './slo.js';
import {
  DEFAULT_ALERT_PAGE_SIZE,
  MAX_ALERT_PAGE_SIZE,
  storedAlertSchema,
} from './service-alerts.js';

/** The statuses an agent decides: no match, or matched with no refund moving (see the service). */
export const DESK_QUEUE_STATUSES = ['UNMATCHED', 'MATCHED'] as const;
export type DeskQueueStatus = (typeof DESK_QUEUE_STATUSES)[number];

/** Where an alert stands against Ethoca's 24 h window (`deadlineBucket` in the SLO module). */
export const DEADLINE_BUCKETS = [
  'ok',
  'warning',
  'critical',
  'overdue',
] as const satisfies readonly DeadlineBucket[];

export const deskQueueQuerySchema = z.object({
  status: z.enum(DESK_QUEUE_STATUSES).optional(),
  type: alertTypeSchema.optional(),
  merchant: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'The merchant descriptor starts with this text (case-sensitive)' }),
  cursor: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_ALERT_PAGE_SIZE).default(DEFAULT_ALERT_PAGE_SIZE),
});
export type DeskQueueQuery = z.infer<typeof deskQueueQuerySchema>;

export const deskQueueItemSchema = storedAlertSchema
  .omit({ payload: true })
  .extend({
    deadlineAt: z.iso
      .datetime()
      .meta({ description: 'receivedAt + 24 h, when Ethoca stops waiting' }),
    deadlineBucket: z.enum(DEADLINE_BUCKETS),
  })
  .meta({ id: 'DeskQueueItem' });
export type DeskQueueItem = z.infer<typeof deskQueueItemSchema>;

export const deskQueueResponseSchema = z
  .object({ items: z.array(deskQueueItemSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'DeskQueue' });
export type DeskQueueResponse = z.infer<typeof deskQueueResponseSchema>;
