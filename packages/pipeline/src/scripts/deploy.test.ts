import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReleaseFixture } from './release-fixture.js';

// scripts/deploy.sh runs from a copy in a temporary repository, so each test chooses which
// overlays exist. kubectl is the real one for `kustomize` (offline) and a recording stand-in for
// the cluster calls; the deployed service and the Datadog API are fakes on 127.0.0.1.
let fixture: ReleaseFixture;

beforeEach(async () => {
  fixture = new ReleaseFixture();
  await fixture.start();
});
afterEach(() => fixture.close());

const STATUS = (env: string, timeout = '300s') =>
  `rollout status deployment/mastercom-service --namespace mastercom-${env} --timeout ${timeout}`;
const UNDO = (env: string) =>
  `rollout undo deployment/mastercom-service --namespace mastercom-${env}`;
const DATADOG = { DD_API_KEY: 'dd-api', DD_APP_KEY: 'dd-app' };

describe('scripts/deploy.sh', () => {
  it('refuses an unknown environment', async () => {
    expect((await fixture.run('deploy.sh', ['qa'])).status).toBe(2);
  });

  it('fails with a clear message while the overlay does not exist', async () => {
    const result = await fixture.run('deploy.sh', ['staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no kustomize overlay at k8s/staging/kustomization.yaml');
  });

  it('renders the overlay with the image set and touches no cluster in a dry run', async () => {
    fixture.addOverlay('staging');
    const result = await fixture.run('deploy.sh', ['staging', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('image: registry.test/mastercom-service:abc123');
    expect(result.stdout).toContain(`kubectl ${STATUS('staging')}`);
    expect(result.stdout).toContain('/api/v6/alerts?limit=1 with the smoke token');
    expect(result.kubectl).toEqual([]);
    expect(fixture.requests).toEqual([]);
  });

  it('names the image from IMAGE_REGISTRY and the commit when IMAGE is not set', async () => {
    fixture.addOverlay('production');
    const result = await fixture.run('deploy.sh', ['production', '--dry-run'], {
      IMAGE: '',
      IMAGE_REGISTRY: 'registry.test:5000/payments',
      BUILDKITE_COMMIT: 'f00d',
    });
    expect(result.stdout).toContain('image: registry.test:5000/payments/mastercom-service:f00d');
  });

  it('takes the image as the second argument, over the IMAGE variable', async () => {
    fixture.addOverlay('staging');
    const result = await fixture.run('deploy.sh', [
      'staging',
      'registry.test/mastercom-service:v1.4.2',
      '--dry-run',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('image: registry.test/mastercom-service:v1.4.2');
  });

  it.each(['registry.test/mastercom-service:latest', 'registry.test:5000/mastercom-service'])(
    'refuses %s, which has no fixed tag, before touching the cluster',
    async (image) => {
      fixture.addOverlay('production');
      const result = await fixture.run('deploy.sh', ['production', image]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('has no fixed tag');
      expect(result.kubectl).toEqual([]);
    },
  );

  it('does not start a deploy it could not verify', async () => {
    fixture.addOverlay('staging');
    const result = await fixture.run('deploy.sh', ['staging'], { SERVICE_URL: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('set SERVICE_URL (or STAGING_URL)');
    expect(result.kubectl).toEqual([]);
  });

  it('renders the production overlay with the tag as image and Datadog version, never latest', async () => {
    fixture.addRealOverlays();
    const result = await fixture.run('deploy.sh', ['production', '--dry-run']);
    expect(result.status).toBe(0);
    const images = [...result.stdout.matchAll(/^\s+image: (\S+)$/gm)].map((match) => match[1]);
    expect(images).toEqual([
      'registry.test/mastercom-service:abc123',
      'registry.test/mastercom-service:abc123',
    ]);
    expect(result.stdout).not.toContain(':latest');
    // Deployment and pod template labels of both roles.
    expect(result.stdout.match(/tags\.datadoghq\.com\/version: abc123/g)?.length).toBeGreaterThan(
      4,
    );
    expect(result.stdout).toContain(
      'kubectl rollout status deployment/mastercom-service-web --namespace mastercom-production',
    );
    expect(result.stdout).toContain(
      'kubectl rollout status deployment/mastercom-service-worker --namespace mastercom-production',
    );
  });

  it('applies, waits for the rollout, smoke-checks and watches the release against the SLOs', async () => {
    fixture.addOverlay('staging');
    fixture.behaviour.datadog = () => ({ errors: 0, hits: 5000, p95: 4, p99: 9 });
    const result = await fixture.run('deploy.sh', ['staging'], {
      ...DATADOG,
      VERIFY_WINDOW_SECONDS: '1',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.kubectl).toEqual([
      expect.stringMatching(/^apply -k .*\/deploy$/),
      STATUS('staging'),
    ]);
    expect(result.stdout).toContain('deploy: staging runs registry.test/mastercom-service:abc123');
    expect(result.stdout).toContain('verify: error rate 0.00000 (0/5000), ceiling 0.001');
    const paths = fixture.requests.map((request) => request.path);
    expect(paths.slice(0, 5)).toEqual([
      '/__ops/ping',
      '/health',
      '/api/v6/webhooks/ethoca/health',
      '/desk',
      '/api/v6/alerts',
    ]);
    // Every poll of the window makes four Datadog queries. How many polls fit in a one-second
    // window depends on the clock (whole seconds) and the machine's speed: one or two.
    const datadogQueries = paths.filter((p) => p === '/api/v1/query').length;
    expect([4, 8]).toContain(datadogQueries);
    const queries = fixture.requests.flatMap((request) => request.query ?? []);
    for (const query of queries) {
      expect(query).toContain('service:mastercom-service,env:staging,version:abc123');
    }
    expect(fixture.requests.every((request) => request.method === 'GET')).toBe(true);
    expect(fixture.undone).toBe(false);
    // Only now, verified, does the image become `staging`.
    expect(fixture.docker).toEqual([
      'buildx imagetools create --tag registry.test/mastercom-service:staging registry.test/mastercom-service:abc123',
    ]);
  });

  it('undoes a rollout that does not complete and checks the previous version', async () => {
    fixture.addOverlay('production');
    const result = await fixture.run('deploy.sh', ['production'], {
      FAIL_ROLLOUT: '1',
      ROLLOUT_TIMEOUT: '5s',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'production rolled back to the previous version, which is healthy',
    );
    expect(result.kubectl.slice(1)).toEqual([
      STATUS('production', '5s'),
      UNDO('production'),
      STATUS('production', '5s'),
    ]);
    // Only the previous version was smoke-checked; the failed rollout never was.
    expect(fixture.requests.map((request) => request.path)).toContain('/api/v6/alerts');
    expect(fixture.docker).toEqual([]);
  });

  it('undoes a release whose smoke check fails', async () => {
    fixture.addOverlay('staging');
    fixture.behaviour.healthStatus = (undone) => (undone ? 200 : 503);
    const result = await fixture.run('deploy.sh', ['staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('smoke: GET /health -> 503 (expected 200)');
    expect(result.stderr).toContain(
      'the smoke check of registry.test/mastercom-service:abc123 failed',
    );
    expect(result.stderr).toContain(
      'staging rolled back to the previous version, which is healthy',
    );
    expect(result.kubectl.slice(1)).toEqual([
      STATUS('staging'),
      UNDO('staging'),
      STATUS('staging'),
    ]);
  });

  it('undoes a release whose error rate breaks the SLO ceiling during the window', async () => {
    fixture.addOverlay('production');
    fixture.behaviour.datadog = () => ({ errors: 7, hits: 1000, p95: 4, p99: 9 });
    const result = await fixture.run('deploy.sh', ['production'], DATADOG);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('verify: error rate 0.00700 (7/1000), ceiling 0.001');
    expect(result.stderr).toContain('error rate above the SLO ceiling 0.001');
    expect(result.stderr).toContain('failed the verification window; rolling back');
    expect(result.kubectl.slice(1)).toEqual([
      STATUS('production'),
      UNDO('production'),
      STATUS('production'),
    ]);
  });

  it('undoes a release whose p99 acknowledgement latency breaks the SLO', async () => {
    fixture.addOverlay('staging');
    fixture.behaviour.datadog = () => ({ errors: 0, hits: 1000, p95: 4, p99: 80 });
    const result = await fixture.run('deploy.sh', ['staging'], DATADOG);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('p99 acknowledgement latency 80 ms above the SLO 25 ms');
    expect(fixture.undone).toBe(true);
  });

  it('undoes a release it cannot judge because Datadog refuses the keys', async () => {
    fixture.addOverlay('staging');
    const result = await fixture.run('deploy.sh', ['staging'], { ...DATADOG, DD_API_KEY: 'wrong' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the Datadog metrics query for errors failed');
    expect(fixture.undone).toBe(true);
  });

  it('undoes a release Datadog has no traces of: no data is "cannot verify", never zero errors', async () => {
    fixture.addOverlay('staging');
    fixture.behaviour.datadog = () => ({ errors: null, hits: null, p95: null, p99: null });
    const result = await fixture.run('deploy.sh', ['staging'], DATADOG);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'verify: cannot verify version abc123 in staging: Datadog has no data for trace.express.request.hits mastercom.webhook.ack_latency.95percentile mastercom.webhook.ack_latency.99percentile',
    );
    expect(result.stdout).not.toContain('verify: error rate');
    expect(fixture.undone).toBe(true);
    expect(fixture.docker).toEqual([]);
  });

  it('does not take zero traced requests, or latency without points, for a healthy release', async () => {
    fixture.addOverlay('staging');
    fixture.behaviour.datadog = () => ({ errors: 0, hits: 0, p95: 4, p99: null });
    const result = await fixture.run('deploy.sh', ['staging'], DATADOG);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'Datadog has no data for trace.express.request.hits mastercom.webhook.ack_latency.99percentile',
    );
    expect(fixture.undone).toBe(true);
  });

  it('waits for data that is still on its way early in the window', async () => {
    fixture.addOverlay('staging');
    // The first poll (0 or 1 s into a 2 s window, never the final one) finds nothing yet; the
    // later ones find the data.
    let polls = 0;
    fixture.behaviour.datadog = () => {
      polls += 1;
      return polls <= 4
        ? { errors: null, hits: null, p95: null, p99: null }
        : { errors: 0, hits: 800, p95: 4, p99: 9 };
    };
    const result = await fixture.run('deploy.sh', ['staging'], {
      ...DATADOG,
      VERIFY_WINDOW_SECONDS: '2',
    });
    expect(result.stdout).toContain('verify: no data yet for trace.express.request.hits');
    expect(result.stdout).toContain('verify: error rate 0.00000 (0/800)');
    expect(result.status).toBe(0);
    expect(fixture.undone).toBe(false);
  });

  it('fails before touching the cluster when the SLO thresholds cannot be read', async () => {
    fixture.addOverlay('staging');
    const result = await fixture.run('deploy.sh', ['staging'], {
      ...DATADOG,
      SLO_MODULE: `${fixture.root}/missing/slo.js`,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('missing/slo.js does not exist');
    expect(result.kubectl).toEqual([]);
  });

  it('says so loudly when the previous version is not healthy either', async () => {
    fixture.addOverlay('production');
    fixture.behaviour.healthStatus = () => 503;
    const result = await fixture.run('deploy.sh', ['production']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is NOT healthy; act now');
    expect(result.stderr).toContain('the previous version is not healthy either');
  });
});
