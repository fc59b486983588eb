import { createAlert } from '@mastercom/contracts/fixtures';
import {
  PROCESS_ALERT_QUEUE,
  PROCESS_ALERT_QUEUE_POLICY,
  createProducer,
} from '@mastercom/service';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { deliver, useTestApp } from './support/test-app.js';

// The receiver writes its processing jobs inside its own single-statement ingest, with pg-boss's
// insert embedded in it. These tests check the result is a job pg-boss itself recognises: the
// queue's policy applied, found by a worker's fetch, and a NOTIFY on pg-boss's channel that wakes
// workers after the commit.
const t = useTestApp();

/** Runs `body` while a connection listens on pg-boss's channel, with each notification's time. */
async function withListener(
  body: (notifications: { payload: string; at: number }[]) => Promise<void>,
): Promise<void> {
  const listener = new pg.Client({ connectionString: t.databaseUrl });
  await listener.connect();
  const notifications: { payload: string; at: number }[] = [];
  listener.on('notification', (message) =>
    notifications.push({ payload: message.payload ?? '', at: performance.now() }),
  );
  try {
    const [{ channel } = { channel: '' }] = await t.query<{ channel: string }>(
      `SELECT 'pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24) AS channel`,
    );
    await listener.query(`LISTEN "${channel}"`);
    await body(notifications);
  } finally {
    await listener.end();
  }
}

describe('the processing job stored with each new alert', () => {
  it("carries the queue's retry, expiry and heartbeat policy and the alert id as singleton key", async () => {
    const alert = createAlert(7001);
    await deliver(t.app, alert).expect(200);
    const jobs = await t.query<{
      data: { alertId: string };
      singleton_key: string;
      retry_limit: number;
      retry_delay: number;
      retry_backoff: boolean;
      expire_seconds: number;
      heartbeat_seconds: number;
      state: string;
    }>(
      `SELECT data, singleton_key, retry_limit, retry_delay, retry_backoff, expire_seconds,
              heartbeat_seconds, state
         FROM pgboss.job WHERE name = $1 AND singleton_key = $2`,
      [PROCESS_ALERT_QUEUE, alert.alertId],
    );
    expect(jobs).toEqual([
      {
        data: { alertId: alert.alertId },
        singleton_key: alert.alertId,
        retry_limit: PROCESS_ALERT_QUEUE_POLICY.retryLimit,
        retry_delay: PROCESS_ALERT_QUEUE_POLICY.retryDelay,
        retry_backoff: PROCESS_ALERT_QUEUE_POLICY.retryBackoff,
        expire_seconds: PROCESS_ALERT_QUEUE_POLICY.expireInSeconds,
        heartbeat_seconds: PROCESS_ALERT_QUEUE_POLICY.heartbeatSeconds,
        state: 'created',
      },
    ]);
  });

  it("is handed out by pg-boss's own fetch", async () => {
    const alert = createAlert(7002);
    await deliver(t.app, alert).expect(200);
    const worker = createProducer(t.databaseUrl);
    await worker.start();
    try {
      const fetched = await worker.fetch<{ alertId: string }>(PROCESS_ALERT_QUEUE, {
        batchSize: 1000,
      });
      expect(fetched.map((job) => job.data.alertId)).toContain(alert.alertId);
    } finally {
      await worker.stop({ graceful: false, close: true });
    }
  });

  it('wakes listening workers after a delivery that stored new alerts, not after a redelivery', async () => {
    await withListener(async (notifications) => {
      await deliver(t.app, { alerts: [createAlert(7003), createAlert(7004)] }).expect(200);
      const alreadyStored = createAlert(7003);
      await deliver(t.app, alreadyStored).expect(200);
      await expect
        .poll(() => notifications.map((notification) => notification.payload), { timeout: 2000 })
        .toEqual([PROCESS_ALERT_QUEUE]);
      // Past the window, a redelivery still sends nothing.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(notifications).toHaveLength(1);
    });
  });

  // How often (at most once per 50 ms) is QueueWakeup's own unit test, on fake timers: seen from
  // here, a slow machine spaces the deliveries as widely as the window would.
  it('wakes them after the last of a stream of deliveries', async () => {
    await withListener(async (notifications) => {
      let lastSentAt = performance.now();
      for (let i = 0; i < 30; i += 1) {
        lastSentAt = performance.now();
        await deliver(t.app, createAlert(7100 + i)).expect(200);
      }
      await expect
        .poll(() => notifications.at(-1)?.at ?? 0, { timeout: 2000 })
        .toBeGreaterThanOrEqual(lastSentAt);
      expect(notifications.length).toBeLessThanOrEqual(30);
    });
  });
});
