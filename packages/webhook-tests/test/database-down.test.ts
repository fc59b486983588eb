import {
  alertAcknowledgementSchema,
  ethocaErrorEnvelopeSchema,
  healthResponseSchema,
} from '@mastercom/contracts';
import { createAlert } from '@mastercom/contracts/fixtures';
import { startTcpFaultProxy, type CutMode, type TcpFaultProxy } from '@mastercom/testkit';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { countAlerts, processAlertJobs } from './support/stored.js';
import { deliver, useTestApp } from './support/test-app.js';

let proxy: TcpFaultProxy | undefined;

// The app reaches its database only through a TCP proxy the test can cut; short timeouts turn
// an unreachable database into a quick 503 instead of a long wait.
const t = useTestApp({
  connectTimeoutMs: 1000,
  statementTimeoutMs: 1000,
  healthCheckTimeoutMs: 1000,
  poolMax: 4,
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

function faultProxy(): TcpFaultProxy {
  if (proxy === undefined) throw new Error('the fault proxy starts with the app');
  return proxy;
}

describe.each<CutMode>(['reset', 'blackhole'])('the database cut off (%s)', (mode) => {
  const before = createAlert(mode === 'reset' ? 1001 : 1002);
  const during = createAlert(mode === 'reset' ? 1003 : 1004);

  it('is reachable first, so the pool holds live connections when the cut comes', async () => {
    expect((await deliver(t.app, before)).status).toBe(200);
    expect((await request(t.app).get('/health')).status).toBe(200);
  });

  it('answers the webhook with 503, Retry-After and the envelope, acknowledging nothing', async () => {
    faultProxy().cut(mode);
    const started = performance.now();
    const res = await deliver(t.app, during);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    const envelope = ethocaErrorEnvelopeSchema.parse(res.body);
    expect(envelope.Errors.Error).toEqual([
      expect.objectContaining({ ReasonCode: 'SERVICE_UNAVAILABLE', Recoverable: true }),
    ]);
    expect(res.body).not.toHaveProperty('alertResponses');
    // Well inside Ethoca's 30 s acknowledgement budget.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await countAlerts(t, [during.alertId])).toBe(0);
  });

  it('keeps liveness at 200 and turns readiness to 503', async () => {
    const ping = await request(t.app).get('/__ops/ping');
    expect(ping.status).toBe(200);
    expect(ping.text).toBe('pong');
    const health = await request(t.app).get('/health');
    expect(health.status).toBe(503);
    const body = healthResponseSchema.parse(health.body);
    expect(body.status).toBe('unavailable');
    expect(body.checks.database?.status).toBe('fail');
  });

  it('stores the alert exactly once when it is redelivered after the database is back', async () => {
    faultProxy().restore();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const res = await deliver(t.app, during);
      expect(res.status).toBe(200);
      expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual([
        { alertId: during.alertId, status: 'SUCCESS' },
      ]);
    }
    expect(await countAlerts(t, [during.alertId])).toBe(1);
    expect(await processAlertJobs(t, [during.alertId])).toEqual([{ alert_id: during.alertId }]);
    expect((await request(t.app).get('/health')).status).toBe(200);
  });
});
