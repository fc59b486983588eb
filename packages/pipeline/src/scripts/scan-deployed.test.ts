// The nightly security trigger of the rollback (scripts/scan-deployed.sh) against the release
// fixture: a recording kubectl answering with the Deployment's ReplicaSets, a trivy that writes
// Trivy-format reports, and a recording buildkite-agent that keeps what is uploaded.
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipelineSchemaErrors } from '../buildkite/pipeline-schema.js';
import { PRODUCTION_GROUP } from '../buildkite/pipeline.js';
import { ReleaseFixture } from './release-fixture.js';

const image = (commit: string) => `registry.test/payments/mastercom-service:${commit}`;
let fixture: ReleaseFixture;

beforeEach(() => {
  fixture = new ReleaseFixture();
  fixture.addOverlay('production');
  fixture.setRevisions([
    { revision: 3, image: image('c3') },
    { revision: 5, image: image('c5') },
    { revision: 4, image: image('c4') },
    { revision: 6, image: image('c6') },
  ]);
});
afterEach(() => fixture.close());

describe('scripts/scan-deployed.sh', () => {
  it('passes, uploading nothing, when the running image has no fixable critical vulnerability', async () => {
    fixture.markVulnerable(image('c4'));
    const result = await fixture.run('scan-deployed.sh', ['production']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`scan-deployed: production runs revision 6, ${image('c6')}`);
    expect(fixture.file('trivy.log').trim().split('\n')).toHaveLength(1);
    expect(fixture.file('uploaded.yml')).toBe('');
  });

  it('uploads a rollback to the newest earlier revision that passes, and fails the build', async () => {
    fixture.markVulnerable(image('c6'), image('c5'));
    const result = await fixture.run('scan-deployed.sh', ['production']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'image-scan: FAIL CRITICAL CVE-2026-0001 openssl 3.0.1 (fixed in 3.0.2)',
    );
    expect(result.stdout).toContain('scan-deployed: rolling production back to revision 4');
    // Newest first: 6 (running), 5, then 4, which passes; 3 is never scanned.
    const scanned = fixture
      .file('trivy.log')
      .trim()
      .split('\n')
      .map((line) => line.split(' ').at(-1));
    expect(scanned).toEqual([image('c6'), image('c5'), image('c4')]);
    const uploaded = parse(fixture.file('uploaded.yml')) as { steps: Record<string, unknown>[] };
    expect(pipelineSchemaErrors(uploaded)).toEqual([]);
    expect(uploaded.steps[0]).toMatchObject({
      command: 'scripts/rollback-release.sh production',
      concurrency_group: PRODUCTION_GROUP,
      env: { ROLLBACK_REVISION: '4' },
    });
    const env = uploaded.steps[0]?.env as Record<string, string> | undefined;
    expect(env?.ROLLBACK_REASON).toContain(
      `revision 6 (${image('c6')}) has a critical vulnerability`,
    );
  });

  it('skips revisions that run the same image, and uploads nothing when no revision passes', async () => {
    fixture.setRevisions([
      { revision: 7, image: image('c6') },
      { revision: 6, image: image('c6') },
      { revision: 5, image: image('c5') },
    ]);
    fixture.markVulnerable(image('c6'), image('c5'));
    const result = await fixture.run('scan-deployed.sh', ['production']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('revision 6 runs the same image; skipped');
    expect(result.stderr).toContain('the fix must go forward');
    expect(fixture.file('uploaded.yml')).toBe('');
  });

  it('refuses anything but an environment name, touching nothing', async () => {
    const result = await fixture.run('scan-deployed.sh', ['prod; rm -rf /']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: scripts/scan-deployed.sh staging|production');
    expect(result.kubectl).toEqual([]);
  });
});
