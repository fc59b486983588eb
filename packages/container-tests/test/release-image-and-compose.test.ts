// The project's Dockerfile built on the stage's Node image and run as it ships, then the Compose
// environment brought up from docker-compose.yml. They share one file because Compose builds the
// same Dockerfile: run after the release image, its build is a cache hit instead of a second
// build competing for the same two cores.
import { findFreePort } from '@mastercom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCompose } from '../src/compose/compose-command.js';
import { openComposeProject, type ComposeProject } from '../src/compose/compose-project.js';
import { startHealthCheckTimer, type HealthCheckTimer } from '../src/compose/health-check-timer.js';
import { runCommand, tryCommand } from '../src/process/run-command.js';
import { repoRoot } from '../src/paths.js';
import { buildReleaseImage, releaseImageName } from '../src/stage/release-image.js';
import { stageEnvironment } from './support/stage-environment.js';

const stage = stageEnvironment();
const print = (line: string) => {
  console.log(line);
};

describe('the release image built on the stage base image', () => {
  const image = releaseImageName(repoRoot);
  let revision: string;

  beforeAll(async () => {
    // containers:prepare built it already; this build is the layer cache's, and makes sure the
    // image is this checkout's source as it is now.
    const built = await buildReleaseImage({ cli: stage.cli, repoRoot, nodeImage: stage.nodeImage });
    revision = built.revision;
    print(`release image ${image} built in ${built.seconds.toFixed(1)} s`);
  });

  it('runs as user 1000, not root, and carries the revision it was built from', async () => {
    const inspected = JSON.parse(
      (await runCommand(stage.cli, ['image', 'inspect', image])).stdout,
    ) as {
      Config: { User: string; Labels: Record<string, string> };
    }[];
    expect(inspected[0]?.Config.User).toBe('1000:1000');
    expect(inspected[0]?.Config.Labels['org.opencontainers.image.revision']).toBe(revision);
  });

  it('passes the smoke test the pipeline runs before it pushes an image', async () => {
    // The same script as the pipeline's image step (scripts/build-image.sh): /health, one alert
    // refunded and reported to the mock Ethoca, no card number in the log, a clean SIGTERM.
    const smoke = await tryCommand('scripts/smoke-image.sh', [image], {
      cwd: repoRoot,
      env: { ...process.env, TESTKIT_CONTAINER_LABEL: stage.run.containerLabel },
    });
    const output = `${smoke.stdout}${smoke.stderr}`;
    print(
      output
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('smoke:'))
        .join('\n'),
    );
    expect(smoke.status === 0 ? 'exit 0' : output).toBe('exit 0');
    expect(output).toMatch(
      /^smoke: alert \S+ refunded and (STOPPED|RESOLVED)\/REFUNDED at Ethoca/m,
    );
    expect(output).toContain('smoke: stopped cleanly on SIGTERM (exit 0)');
  });
});

describe('the Compose environment', () => {
  let project: ComposeProject | undefined;
  let healthChecks: HealthCheckTimer | undefined;
  let servicePort: number;
  let statuses: Record<string, string>;

  beforeAll(async () => {
    const compose = await findCompose(process.env);
    if (compose === undefined) {
      throw new Error('no Compose here: neither `docker compose` nor `docker-compose` answers');
    }
    servicePort = await findFreePort();
    project = await openComposeProject({
      compose,
      projectName: stage.run.composeProject,
      directory: repoRoot,
      cli: stage.cli,
      // The published port is a free one, so a service a developer runs on 8080 is left alone.
      env: { ...process.env, SERVICE_HOST_PORT: String(servicePort) },
      log: () => undefined,
    });
    print(`compose: ${compose.command.join(' ')} ${compose.version}`);
    if (stage.engine === 'podman') healthChecks = startHealthCheckTimer(project.label);
    const started = performance.now();
    await project.up();
    statuses = await project.waitUntilHealthy(180_000);
    print(`compose: up and healthy in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  afterAll(async () => {
    await healthChecks?.stop();
    await project?.down();
  });

  it('brings PostgreSQL, the mocks and the service up healthy, and not the profiled agent', () => {
    expect(statuses).toEqual({ postgres: 'healthy', mocks: 'healthy', service: 'healthy' });
  });

  it('answers `pnpm alerts:send` with SUCCESS for every alert', async () => {
    const mocksLog = await project!.logs('mocks');
    const token = /API token (\S+)/.exec(mocksLog)?.[1];
    const secret = /webhook secret (whsec_\S+)/.exec(mocksLog)?.[1];
    expect(token && secret ? 'token and secret' : mocksLog).toBe('token and secret');

    const sent = await tryCommand(
      'pnpm',
      ['alerts:send', '--url', `http://127.0.0.1:${servicePort}`, `--token=${token ?? ''}`],
      { cwd: repoRoot, env: { ...process.env, WEBHOOK_HMAC_SECRETS: secret ?? '' } },
    );
    const output = `${sent.stdout}${sent.stderr}`;
    print(output.trim().split('\n').slice(-5).join('\n'));
    expect(sent.status === 0 ? 'exit 0' : output).toBe('exit 0');
    expect(output.match(/^SUCCESS /gm)).toHaveLength(3);
  });
});
