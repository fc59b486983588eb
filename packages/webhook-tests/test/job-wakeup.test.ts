import { createAlert } from '@mastercom/contracts/fixtures';
import { PROCESS_ALERT_QUEUE } from '@mastercom/service';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { deliver, useTestApp } from './support/test-app.js';

// The NOTIFY on pg-boss's channel that wakes the workers after a commit that stored new alerts.
// A file of its own, so its own database: NOTIFY is per database, and the wake-up that closes
// the window of another test's deliveries could otherwise reach this file's listener late.
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

describe('the wake-up sent after stored alerts', () => {
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
