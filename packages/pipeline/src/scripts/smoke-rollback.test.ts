/* eslint-disable security/detect-non-literal-fs-filename -- the token file is inside the fixture's temporary folder */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReleaseFixture, SMOKE_TOKEN } from './release-fixture.js';

let fixture: ReleaseFixture;

beforeEach(async () => {
  fixture = new ReleaseFixture();
  await fixture.start();
});
afterEach(() => fixture.close());

describe('scripts/smoke.sh', () => {
  it('checks the three health endpoints and the desk, and reads the alert API, with GET only', async () => {
    const result = await fixture.run('smoke.sh', ['production']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('smoke: production passed');
    expect(fixture.requests.map((request) => [request.method, request.path])).toEqual([
      ['GET', '/__ops/ping'],
      ['GET', '/health'],
      ['GET', '/api/v6/webhooks/ethoca/health'],
      ['GET', '/desk'],
      ['GET', '/api/v6/alerts'],
    ]);
    expect(fixture.requests.at(-1)?.authorization).toBe(`Bearer ${SMOKE_TOKEN}`);
    expect(result.kubectl).toEqual([]);
  });

  it('reads the token from SMOKE_API_TOKEN_FILE and the URL from PRODUCTION_URL', async () => {
    const tokenFile = path.join(fixture.root, 'token');
    writeFileSync(tokenFile, `${SMOKE_TOKEN}\n`);
    const result = await fixture.run('smoke.sh', ['production'], {
      SERVICE_URL: '',
      PRODUCTION_URL: fixture.url,
      SMOKE_API_TOKEN: '',
      SMOKE_API_TOKEN_FILE: tokenFile,
    });
    expect(result.status).toBe(0);
  });

  it('fails when the alert API refuses the read', async () => {
    const result = await fixture.run('smoke.sh', ['staging'], { SMOKE_API_TOKEN: 'wrong' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('GET /api/v6/alerts?limit=1 -> 401 (expected 200)');
    expect(result.stderr).toContain('smoke: staging FAILED');
  });

  it('fails when the desk is not routed to the service', async () => {
    fixture.behaviour.deskStatus = () => 404;
    const result = await fixture.run('smoke.sh', ['staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('GET /desk -> 404 (expected 200)');
  });

  it('fails when nothing answers', async () => {
    const result = await fixture.run('smoke.sh', ['staging'], {
      SERVICE_URL: 'http://127.0.0.1:9',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('GET /__ops/ping -> 000 (expected 200)');
  });

  it('prints the requests and sends none in a dry run', async () => {
    const result = await fixture.run('smoke.sh', ['staging', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('/api/v6/webhooks/ethoca/health (expect 200)');
    expect(fixture.requests).toEqual([]);
  });

  it('refuses an unknown environment', async () => {
    expect((await fixture.run('smoke.sh', ['qa'])).status).toBe(2);
  });
});

describe('scripts/rollback.sh', () => {
  const NS = '--namespace mastercom-production';

  it('undoes both roles to a revision, waits for them and validates the result', async () => {
    fixture.addRealOverlays();
    const result = await fixture.run('rollback.sh', ['production', '7']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.kubectl).toEqual([
      `rollout history deployment/mastercom-service-web ${NS} --revision 7`,
      `rollout history deployment/mastercom-service-worker ${NS} --revision 7`,
      `rollout undo deployment/mastercom-service-web ${NS} --to-revision 7`,
      `rollout undo deployment/mastercom-service-worker ${NS} --to-revision 7`,
      `rollout status deployment/mastercom-service-web ${NS} --timeout 300s`,
      `rollout status deployment/mastercom-service-worker ${NS} --timeout 300s`,
    ]);
    expect(result.stdout).toContain('passes the smoke check');
    expect(fixture.requests.map((request) => request.path)).toContain('/api/v6/alerts');
  });

  it('undoes to the previous revision without an argument', async () => {
    fixture.addOverlay('staging');
    const result = await fixture.run('rollback.sh', ['staging']);
    expect(result.status).toBe(0);
    expect(result.kubectl).toEqual([
      'rollout undo deployment/mastercom-service --namespace mastercom-staging',
      'rollout status deployment/mastercom-service --namespace mastercom-staging --timeout 300s',
    ]);
  });

  it('changes nothing when a Deployment lacks the revision', async () => {
    fixture.addRealOverlays();
    const result = await fixture.run('rollback.sh', ['production', '3'], { MISSING_REVISION: '3' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has no revision 3; nothing was changed');
    expect(result.kubectl.some((call) => call.startsWith('rollout undo'))).toBe(false);
  });

  it('fails when the rolled-back version does not become ready', async () => {
    fixture.addOverlay('staging');
    const result = await fixture.run('rollback.sh', ['staging'], { FAIL_AFTER_UNDO: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('did not become ready after the undo');
    expect(result.stderr).toContain('is NOT healthy; act now');
  });

  it('fails when the rolled-back version fails the smoke check', async () => {
    fixture.addOverlay('staging');
    fixture.behaviour.alertsStatus = () => 500;
    const result = await fixture.run('rollback.sh', ['staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('GET /api/v6/alerts?limit=1 -> 500');
  });

  it('prints the commands and touches nothing in a dry run', async () => {
    fixture.addRealOverlays();
    const result = await fixture.run('rollback.sh', ['production', '4', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `kubectl rollout undo deployment/mastercom-service-worker ${NS} --to-revision 4`,
    );
    expect(result.kubectl).toEqual([]);
    expect(fixture.requests).toEqual([]);
  });

  it.each([['qa'], ['production', 'previous'], ['production', '0']])(
    'refuses the arguments %j',
    async (...args) => {
      expect((await fixture.run('rollback.sh', args)).status).toBe(2);
    },
  );
});
