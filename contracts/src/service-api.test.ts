import { describe, expect, it } from 'vitest';
import { alertListQuerySchema, manualOutcomeRequestSchema } from './service-alerts.js';
import { ethocaWebhookHealthSchema, healthResponseSchema } from './service-health.js';
import { PROBLEM_CONTENT_TYPE, problemDetails, problemDetailsSchema } from './problem-details.js';

describe('service API schemas', () => {
  it('coerces and defaults the alert list query', () => {
    expect(alertListQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(
      alertListQuerySchema.parse({ limit: '200', status: 'OUTCOME_SENT', type: 'CONFIRMEDFRAUD' }),
    ).toEqual({
      limit: 200,
      status: 'OUTCOME_SENT',
      type: 'CONFIRMEDFRAUD',
    });
  });

  it('accepts a manual outcome that leaves the placeholder amounts to the service', () => {
    expect(
      manualOutcomeRequestSchema.safeParse({ outcome: 'MISSED', refundStatus: 'NOT_REFUNDED' })
        .success,
    ).toBe(true);
  });

  it('describes /health and the webhook health', () => {
    expect(
      healthResponseSchema.safeParse({
        status: 'degraded',
        service: 'mastercom-service',
        version: '0.1.0',
        checks: {
          database: { status: 'ok', latencyMs: 2 },
          queue: { status: 'warn', detail: 'lagging' },
        },
      }).success,
    ).toBe(true);
    expect(
      ethocaWebhookHealthSchema.safeParse({
        status: 'ok',
        lastAlertReceivedAt: null,
        counts: { accepted: 0, duplicate: 0, rejected: 0, shed: 0 },
        inFlight: 0,
        authenticationModes: ['mtls'],
        backlog: { unprocessed: 0, oldestAgeSeconds: null },
        deadlines: { ok: 0, warning: 0, critical: 0, overdue: 0 },
      }).success,
    ).toBe(true);
  });

  it('builds RFC 9457 problems with about:blank as the default type', () => {
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
    const problem = problemDetails({ title: 'Not Found', status: 404, type: 'about:blank' });
    expect(problemDetailsSchema.parse({ title: 'Not Found', status: 404 })).toEqual(problem);
  });
});
