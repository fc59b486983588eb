/** Responses of the service's health endpoints. */
import * as z from 'zod';

export const CHECK_STATUSES = ['ok', 'fail', 'warn'] as const;
export const HEALTH_STATUSES = ['ok', 'degraded', 'unavailable'] as const;

export const healthCheckSchema = z
  .object({
    status: z.enum(CHECK_STATUSES),
    latencyMs: z.number().nonnegative().optional(),
    detail: z.string().optional(),
  })
  .meta({ id: 'HealthCheck' });

/** `GET /health`: readiness. 200 when ok or degraded, 503 when unavailable. */
export const healthResponseSchema = z
  .object({
    status: z.enum(HEALTH_STATUSES),
    service: z.string().min(1),
    version: z.string().min(1),
    checks: z.record(z.string(), healthCheckSchema),
  })
  .meta({ id: 'HealthResponse' });
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const AUTHENTICATION_MODES = ['mtls', 'trusted-proxy', 'hmac'] as const;

/**
 * Alerts still without a final outcome, bucketed by age against the 24 h window (the bucket edges
 * are the SLO module's warning, critical and deadline ages).
 */
export const deadlineBucketsSchema = z
  .object({
    ok: z.int().nonnegative().meta({ description: 'Younger than the warning age (12 h)' }),
    warning: z.int().nonnegative().meta({ description: 'From 12 h up to 20 h' }),
    critical: z.int().nonnegative().meta({ description: 'From 20 h up to the 24 h deadline' }),
    overdue: z.int().nonnegative().meta({ description: 'Past the 24 h deadline' }),
  })
  .meta({ id: 'DeadlineBuckets' });

/** `GET /api/v6/webhooks/ethoca/health`: what the alert intake has seen and what is waiting. */
export const ethocaWebhookHealthSchema = z
  .object({
    status: z.enum(HEALTH_STATUSES),
    lastAlertReceivedAt: z.iso.datetime().nullable(),
    counts: z.object({
      accepted: z.int().nonnegative(),
      duplicate: z.int().nonnegative(),
      rejected: z.int().nonnegative(),
      /** Deliveries answered 503 at once because the receiver was at its in-flight limit. */
      shed: z.int().nonnegative(),
    }),
    /** Deliveries this process is working on now (body read, authentication, storage). */
    inFlight: z.int().nonnegative(),
    authenticationModes: z.array(z.enum(AUTHENTICATION_MODES)),
    backlog: z.object({
      unprocessed: z.int().nonnegative(),
      oldestAgeSeconds: z.number().nonnegative().nullable(),
    }),
    deadlines: deadlineBucketsSchema,
  })
  .meta({ id: 'EthocaWebhookHealth' });
export type EthocaWebhookHealth = z.infer<typeof ethocaWebhookHealthSchema>;
