import { ethocaErrorEnvelopeSchema, ethocaWebhookHealthSchema } from '@mastercom/contracts';
import { createAlert } from '@mastercom/contracts/fixtures';
import { startTcpFaultProxy, type TcpFaultProxy } from '@mastercom/testkit';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { countAlerts } from './support/stored.js';
import { deliver, useTestApp } from './support/test-app.js';

const MAX_IN_FLIGHT = 3;
/** Added to every database round trip, so deliveries stay in flight long enough to be counted. */
const DATABASE_LATENCY_MS = 500;

let proxy: TcpFaultProxy | undefined;
const t = useTestApp({
  webhook: { maxInFlight: MAX_IN_FLIGHT },
  appDatabaseUrl: async (url) => {
    const direct = new URL(url);
    proxy = await startTcpFaultProxy({ host: direct.hostname, port: Number(direct.port) });
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    return viaProxy.toString();
  },
});

afterAll(async () => {
  await proxy?.close();
});

async function webhookHealth() {
  const res = await request(t.app).get('/api/v6/webhooks/ethoca/health');
  return ethocaWebhookHealthSchema.parse(res.body);
}

describe('a receiver at its in-flight limit', () => {
  it('answers the next delivery 503 with Retry-After at once, stores nothing for it, and takes deliveries again when one finishes', async () => {
    // A warm pool first: with the latency on, opening connections would take several round trips.
    await Promise.all(
      Array.from({ length: MAX_IN_FLIGHT }, (_, index) =>
        deliver(t.app, createAlert(9001 + index)).expect(200),
      ),
    );
    proxy!.latency(DATABASE_LATENCY_MS);
    const slow = Array.from({ length: MAX_IN_FLIGHT }, (_, index) =>
      deliver(t.app, createAlert(9101 + index)).then((res) => res),
    );
    await expect.poll(() => t.stats.inFlight, { timeout: 5_000 }).toBe(MAX_IN_FLIGHT);

    const extra = createAlert(9110);
    const started = performance.now();
    const refused = await deliver(t.app, extra);
    expect(performance.now() - started).toBeLessThan(DATABASE_LATENCY_MS);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(ethocaErrorEnvelopeSchema.parse(refused.body).Errors.Error).toEqual([
      expect.objectContaining({ ReasonCode: 'SERVICE_UNAVAILABLE', Recoverable: true }),
    ]);

    for (const res of await Promise.all(slow)) expect(res.status).toBe(200);
    proxy!.latency(0);
    expect(await countAlerts(t, [extra.alertId])).toBe(0);

    const health = await webhookHealth();
    expect(health.inFlight).toBe(0);
    expect(health.counts.shed).toBe(1);
    expect((await deliver(t.app, extra)).status).toBe(200);
    expect(await countAlerts(t, [extra.alertId])).toBe(1);
  });
});
