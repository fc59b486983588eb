import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '@mastercom/service-harness';
import type { ServiceProcess } from '@mastercom/service-harness';
import { steeredAlerts } from './support/steering.js';

const h = useHarness();
let service: ServiceProcess;

/** 0.001 h is 3.6 s from the alert's receipt: a few backoff rounds, then the dead letter. */
const BUDGET_HOURS = 0.001;

beforeAll(async () => {
  service = await h.startService('all', { OUTCOME_RETRY_BUDGET_HOURS: String(BUDGET_HOURS) });
});

describe('an Outcome API that answers 500 for longer than the retry budget', () => {
  it('dead-letters the outcome and marks the alert OUTCOME_FAILED', async () => {
    h.ethoca.state.faults.failShare(1, { kind: 'server-error' });
    const steered = steeredAlerts(11_000, 6, ['not-found']);
    const ids = steered.map((item) => item.alert.alertId);
    const started = Date.now();
    await h.client(() => service.url).deliver(steered.map((item) => item.alert));
    await h.waitForStatus(ids, 'OUTCOME_FAILED', {
      timeoutMs: 20_000,
      context: () => service.outputTail(),
    });
    const elapsed = Date.now() - started;

    const rows = await h.query<{ state: string; attempts: number; last_error: string }>(
      'SELECT state, attempts, last_error FROM alert_outcomes WHERE alert_id = ANY($1)',
      [ids],
    );
    expect(rows).toHaveLength(ids.length);
    for (const row of rows) {
      expect(row.state).toBe('DEAD_LETTER');
      // Retried with backoff before giving up, not abandoned at the first error.
      expect(row.attempts).toBeGreaterThanOrEqual(2);
      expect(row.last_error).toContain('500');
    }
    // Not before the budget could have run out (less the largest backoff step it may skip).
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET_HOURS * 3_600_000 - 500);

    const reasons = await h.query<{ reason: string; actor: string }>(
      `SELECT reason, actor FROM alert_events WHERE alert_id = ANY($1) AND to_status = 'OUTCOME_FAILED'`,
      [ids],
    );
    expect(reasons).toHaveLength(ids.length);
    for (const event of reasons) {
      expect(event.actor).toBe('system');
      expect(event.reason).toMatch(/^retry budget exhausted/);
    }
    expect(ids.map((id) => h.ethoca.state.outcomes.get(id)?.outcome)).toEqual(
      ids.map(() => undefined),
    );
    expect(h.ethoca.state.received.every((request) => request.status === 500)).toBe(true);
  });

  it('stops calling Ethoca about the dead-lettered alerts', async () => {
    const before = h.ethoca.state.received.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(h.ethoca.state.received.length).toBe(before);
  });
});
