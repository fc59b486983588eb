import { healthResponseSchema } from '@mastercom/contracts';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useMastercomSuite } from './support/mastercom-suite.js';

const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
// Whole days left until the key's expiry date begins (UTC), as the check counts them.
const daysLeft = Math.floor((Date.parse(`${inTenDays}T00:00:00Z`) - Date.now()) / 86_400_000);
const t = useMastercomSuite({ keyExpiresAt: inTenDays });

describe('/health with a Mastercard API key close to expiry', () => {
  it('stays ready (200, degraded) with a warn check and publishes the days left as a gauge', async () => {
    const response = await request(t.app).get('/health');
    expect(response.status).toBe(200);
    const health = healthResponseSchema.parse(response.body);
    expect(health.status).toBe('degraded');
    expect(health.checks.mastercardKey).toMatchObject({ status: 'warn' });
    expect(health.checks.mastercardKey?.detail).toContain(
      `expires on ${inTenDays}, in ${String(daysLeft)} days`,
    );
    expect(health.checks.database?.status).toBe('ok');
    expect(t.metrics.mockBuffer).toContain(
      `mastercom.api_key.days_to_expiry:${String(daysLeft)}|g`,
    );
  });

  it('leaves /health as it was when no expiry date is configured', async () => {
    const response = await request(t.appWithoutMastercom).get('/health');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.checks.mastercardKey).toBeUndefined();
  });
});
