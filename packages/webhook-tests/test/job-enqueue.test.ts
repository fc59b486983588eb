import { createAlert } from '@mastercom/contracts/fixtures';
import {
  PROCESS_ALERT_QUEUE,
  PROCESS_ALERT_QUEUE_POLICY,
  createProducer,
} from '@mastercom/service';
import { describe, expect, it } from 'vitest';
import { deliver, useTestApp } from './support/test-app.js';

// The receiver writes its processing jobs inside its own single-statement ingest, with pg-boss's
// insert embedded in it. These tests check the result is a job pg-boss itself recognises: the
// queue's policy applied and found by a worker's fetch. The NOTIFY that wakes the workers is
// job-wakeup.test.ts's.
const t = useTestApp();

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
});
