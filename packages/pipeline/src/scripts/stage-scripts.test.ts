import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../repository.js';

function run(script: string, args: string[], env: Record<string, string>) {
  return spawnSync(repoPath('scripts', script), args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('scripts/build-image.sh', () => {
  it('builds the release target with commit and branch tags, smoke-tests it, then pushes each tag', () => {
    const result = run('build-image.sh', ['--dry-run'], {
      IMAGE_REGISTRY: 'registry.test/payments',
      BUILDKITE_COMMIT: 'abc123',
      BUILDKITE_BRANCH: 'feature/Fast path',
    });
    expect(result.status).toBe(0);
    const [build, smoke, ...pushes] = result.stdout.trim().split('\n');
    expect(build).toContain(
      'docker build --target release --build-arg REVISION=abc123 --build-arg VERSION=',
    );
    expect(build).toContain('--tag registry.test/payments/mastercom-service:abc123');
    expect(build).toContain('--tag registry.test/payments/mastercom-service:feature-Fast-path');
    expect(build).not.toContain(':staging');
    // Nothing is pushed before the image passed its smoke test.
    expect(smoke).toBe('scripts/smoke-image.sh registry.test/payments/mastercom-service:abc123');
    expect(pushes.slice(0, 2)).toEqual([
      'docker push registry.test/payments/mastercom-service:abc123',
      'docker push registry.test/payments/mastercom-service:feature-Fast-path',
    ]);
    expect(result.stdout).not.toMatch(/:staging|:production/);
  });

  it('adds the version tag in a version tag build, and refuses any other tag', () => {
    const tagged = run('build-image.sh', ['--dry-run'], {
      IMAGE_REGISTRY: 'registry.test/payments',
      BUILDKITE_COMMIT: 'abc123',
      BUILDKITE_BRANCH: 'v1.4.0',
      BUILDKITE_TAG: 'v1.4.0',
    });
    expect(tagged.status).toBe(0);
    expect(tagged.stdout).toContain('--tag registry.test/payments/mastercom-service:v1.4.0');
    expect(tagged.stdout).toContain('docker push registry.test/payments/mastercom-service:v1.4.0');
    const odd = run('build-image.sh', ['--dry-run'], {
      IMAGE_REGISTRY: 'registry.test/payments',
      BUILDKITE_COMMIT: 'abc123',
      BUILDKITE_TAG: 'nightly-build',
    });
    expect(odd.status).toBe(1);
    expect(odd.stderr).toContain('the tag nightly-build is not a version');
  });

  it('fails clearly without a registry', () => {
    const result = run('build-image.sh', ['--dry-run'], { IMAGE_REGISTRY: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('IMAGE_REGISTRY is not set');
  });
});

describe('scripts/load-gate.sh', () => {
  it('runs the bundled scenario in the pinned k6 image against staging', () => {
    const result = run('load-gate.sh', ['--dry-run'], {
      STAGING_URL: 'https://staging.test',
      LOAD_WEBHOOK_SECRET: 'whsec_c2VjcmV0',
      LOAD_API_TOKEN: 'token',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('pnpm turbo run build --filter=@mastercom/load...');
    expect(result.stdout).toMatch(
      /docker run --rm --user \d+:\d+ .* --env BASE_URL=https:\/\/staging\.test --env WEBHOOK_URL=https:\/\/staging\.test --env LOAD_SCENARIO=load .*--env LOAD_API_TOKEN --env LOAD_WEBHOOK_SECRET grafana\/k6:\d+\.\d+\.\d+ run \/scripts\/k6\/mastercom\.js/,
    );
  });

  it('mounts the load-test client certificate read-only and sends deliveries to the webhook host', () => {
    const cert = repoPath('package.json');
    const result = run('load-gate.sh', ['--dry-run'], {
      STAGING_URL: 'https://staging.test',
      STAGING_WEBHOOK_URL: 'https://ethoca-webhook.staging.test',
      LOAD_CLIENT_CERT_FILE: cert,
      LOAD_CLIENT_KEY_FILE: cert,
      LOAD_WEBHOOK_SECRET: '',
      LOAD_API_TOKEN: 'token',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`--volume ${cert}:/certs/client.crt:ro`);
    expect(result.stdout).toContain('--env LOAD_CLIENT_CERT_FILE=/certs/client.crt');
    expect(result.stdout).toContain('--env WEBHOOK_URL=https://ethoca-webhook.staging.test');
  });

  it('refuses to run without a token, or without a way to authenticate deliveries', () => {
    const noToken = run('load-gate.sh', ['--dry-run'], {
      STAGING_URL: 'https://staging.test',
      LOAD_WEBHOOK_SECRET: 'whsec_c2VjcmV0',
      LOAD_API_TOKEN: '',
    });
    expect(noToken.status).toBe(1);
    expect(noToken.stderr).toContain('LOAD_API_TOKEN is not set');
    const noCredential = run('load-gate.sh', ['--dry-run'], {
      STAGING_URL: 'https://staging.test',
      LOAD_WEBHOOK_SECRET: '',
      LOAD_CLIENT_CERT_FILE: '',
      LOAD_CLIENT_KEY_FILE: '',
      LOAD_API_TOKEN: 'token',
    });
    expect(noCredential.status).toBe(1);
    expect(noCredential.stderr).toContain('the webhook takes no unauthenticated delivery');
    const halfCertificate = run('load-gate.sh', ['--dry-run'], {
      STAGING_URL: 'https://staging.test',
      LOAD_CLIENT_CERT_FILE: repoPath('package.json'),
      LOAD_CLIENT_KEY_FILE: '',
      LOAD_API_TOKEN: 'token',
    });
    expect(halfCertificate.status).toBe(1);
    expect(halfCertificate.stderr).toContain('must both name readable files');
  });

  it('fails clearly without a staging URL', () => {
    const result = run('load-gate.sh', ['--dry-run'], { STAGING_URL: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('STAGING_URL is not set');
  });
});

describe('scripts/ci/vitest-stage.sh', () => {
  const stage = (env: Record<string, string>) =>
    run('ci/vitest-stage.sh', ['test', '--filter=@mastercom/service'], {
      VITEST_STAGE_DRY_RUN: '1',
      BUILDKITE_PARALLEL_JOB: '',
      BUILDKITE_PARALLEL_JOB_COUNT: '',
      BUILDKITE_ANALYTICS_TOKEN: '',
      ...env,
    }).stdout;

  it('runs the whole stage with coverage outside a parallel job', () => {
    const printed = stage({});
    expect(printed).toContain(
      'pnpm turbo run test --filter=@mastercom/service -- --coverage.enabled --coverage.provider=v8',
    );
    expect(printed).not.toContain('--shard');
    expect(printed).not.toContain('buildkite-test-collector');
  });

  it('turns the 0-based parallel job into a 1-based shard', () => {
    expect(stage({ BUILDKITE_PARALLEL_JOB: '0', BUILDKITE_PARALLEL_JOB_COUNT: '3' })).toContain(
      '--shard=1/3 --passWithNoTests',
    );
  });

  it('adds the Test Engine reporter, keeping the JUnit file, when a token is set', () => {
    const printed = stage({ BUILDKITE_ANALYTICS_TOKEN: 'token' });
    expect(printed).toContain(
      '--reporter=junit --outputFile.junit=reports/junit.xml --reporter=buildkite-test-collector/vitest/reporter',
    );
  });
});
