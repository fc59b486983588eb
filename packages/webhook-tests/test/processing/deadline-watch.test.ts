import { createAlert } from '@mastercom/contracts/fixtures';
import { DeadlineWatch } from '@mastercom/service';
import { describe, expect, it } from 'vitest';
import { deliver, useTestApp } from '../support/test-app.js';

const t = useTestApp();

/** The gauges one tick of the watch publishes, by metric name and tags. */
async function tick(): Promise<Map<string, number>> {
  const gauges = new Map<string, number>();
  const watch = new DeadlineWatch(
    {
      db: t.db,
      logger: t.logger,
      metrics: {
        ...t.metrics,
        gauge: ((name: string, value: number, tags?: string[]) => {
          gauges.set([name, ...(tags ?? [])].join(' '), value);
        }) as typeof t.metrics.gauge,
      },
    },
    { intervalMs: 60_000 },
  );
  await watch.tick();
  return gauges;
}

describe('the deadline watch gauges', () => {
  it('publishes the age of the oldest alert no worker has picked up, 0 when there is none', async () => {
    expect((await tick()).get('alerts.oldest_unprocessed_age_seconds')).toBe(0);

    const res = await deliver(t.app, createAlert(4200));
    expect(res.status).toBe(200);
    // Received 90 minutes ago, still RECEIVED: no worker runs in this suite.
    await t.query(`UPDATE alerts SET received_at = now() - interval '90 minutes'`);

    const gauges = await tick();
    expect(gauges.get('alerts.unprocessed')).toBe(1);
    expect(gauges.get('alerts.oldest_unprocessed_age_seconds')).toBeGreaterThanOrEqual(5400);
    expect(gauges.get('alerts.oldest_unprocessed_age_seconds')).toBeLessThan(5460);
    expect(gauges.get('alerts.open_by_deadline bucket:warning')).toBe(0);
  });
});
