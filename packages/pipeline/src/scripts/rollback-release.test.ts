// The rollback pipeline's step (scripts/rollback-release.sh) against the release fixture: a
// recording kubectl, a fake service and a fake Datadog on 127.0.0.1, a recording buildkite-agent.
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipelineSchemaErrors } from '../buildkite/pipeline-schema.js';
import { STAGING_GROUP } from '../buildkite/pipeline.js';
import { ReleaseFixture } from './release-fixture.js';

let fixture: ReleaseFixture;

const ENV = {
  BUILDKITE: 'true',
  BUILDKITE_BUILD_URL: 'https://buildkite.test/rollback/7',
  DD_API_KEY: 'dd-api',
  DD_APP_KEY: 'dd-app',
  META_REASON: 'p99 latency doubled after 41',
  META_REVISION: '',
};

beforeEach(async () => {
  fixture = new ReleaseFixture();
  await fixture.start();
  fixture.addOverlay('production');
  fixture.behaviour.version = (undone) => (undone ? 'c0ffee1' : 'abc123');
  fixture.behaviour.datadog = () => ({ errors: 0, hits: 4000, p95: 5, p99: 12 });
  fixture.behaviour.flow = () => ({ persisted: 380, sent: 352 });
});
afterEach(() => fixture.close());

describe('scripts/rollback-release.sh', () => {
  it('undoes, checks the version now running and reports to Buildkite and Datadog', async () => {
    const result = await fixture.run('rollback-release.sh', ['production'], ENV);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.kubectl.some((line) => line.startsWith('rollout undo'))).toBe(true);
    expect(result.stdout).toContain('rollback: production now runs c0ffee1');
    expect(result.stdout).toContain('verify: error rate 0.00000 (0/4000)');
    expect(result.stdout).toContain('verify: mastercom.webhook.persisted 380');
    expect(result.stdout).toContain('verify: mastercom.outcomes.sent 352');
    const queries = fixture.requests.flatMap((request) => request.query ?? []);
    expect(queries).toContain(
      'sum:trace.express.request.hits{service:mastercom-service,env:production,version:c0ffee1}.as_count()',
    );
    expect(fixture.file('annotations.log')).toContain(
      'annotate --context rollback-production --style success',
    );
    expect(fixture.file('annotations.log')).toContain('Reason: p99 latency doubled after 41.');
    expect(fixture.events).toEqual([
      {
        title: 'mastercom-service rollback in production succeeded',
        text: 'Reason: p99 latency doubled after 41. Revision: previous. Build: https://buildkite.test/rollback/7.',
        alert_type: 'success',
        tags: ['service:mastercom-service', 'env:production', 'event:rollback'],
      },
    ]);
  });

  it('fails, and says so in both places, when no alert is acknowledged after the rollback', async () => {
    fixture.behaviour.flow = () => ({ persisted: null, sent: 352 });
    const result = await fixture.run('rollback-release.sh', ['production'], ENV);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      'verify: cannot verify production after the rollback: no mastercom.webhook.persisted',
    );
    expect(fixture.file('annotations.log')).toContain('--style error');
    expect(fixture.events[0]).toMatchObject({
      title: 'mastercom-service rollback in production FAILED',
      alert_type: 'error',
    });
  });

  it('fails when the version it returned to breaks the SLO', async () => {
    fixture.behaviour.datadog = () => ({ errors: 40, hits: 4000, p95: 5, p99: 12 });
    const result = await fixture.run('rollback-release.sh', ['production'], ENV);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('verify: error rate above the SLO ceiling');
    expect(fixture.events[0]).toMatchObject({ alert_type: 'error' });
  });

  it('needs a reason and refuses a revision that is not a number, changing nothing', async () => {
    const noReason = await fixture.run('rollback-release.sh', ['production'], {
      ...ENV,
      META_REASON: '',
    });
    expect(noReason.status).toBe(1);
    expect(noReason.stderr).toContain('a reason is required');
    const badRevision = await fixture.run('rollback-release.sh', ['production'], {
      ...ENV,
      META_REVISION: '3; rm -rf /',
    });
    expect(badRevision.status).toBe(1);
    expect(badRevision.stderr).toContain('the revision must be a positive number');
    expect([...noReason.kubectl, ...badRevision.kubectl]).toEqual([]);
    expect(fixture.events).toEqual([]);
  });

  it('--upload adds the rollback step for the environment the person chose', async () => {
    const result = await fixture.run('rollback-release.sh', ['--upload'], {
      ...ENV,
      META_ENVIRONMENT: 'staging',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const uploaded = parse(fixture.file('uploaded.yml')) as { steps: Record<string, unknown>[] };
    expect(pipelineSchemaErrors(uploaded)).toEqual([]);
    expect(uploaded.steps).toHaveLength(1);
    expect(uploaded.steps[0]).toMatchObject({
      key: 'rollback-staging',
      command: 'scripts/rollback-release.sh staging',
      concurrency_group: STAGING_GROUP,
    });
    // The person's revision and reason stay in the meta-data; nothing presets them.
    expect(uploaded.steps[0]).not.toHaveProperty('env');
    expect(result.kubectl).toEqual([]);
  });

  it('--upload uploads nothing for an environment that is not one', async () => {
    const result = await fixture.run('rollback-release.sh', ['--upload'], {
      ...ENV,
      META_ENVIRONMENT: 'qa',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('the environment must be staging or production, not qa');
    expect(fixture.file('uploaded.yml')).toBe('');
  });
});
