// The project's Dockerfile built on the stage's Node image and run as it ships, then the Compose
// environment brought up from docker-compose.yml. They share one file because Compose builds the
// same Dockerfile: run after the release image, its build is a cache hit instead of a second
// build competing for the same two cores.
import { randomBytes } from 'node:crypto';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { createAlertDelivery } from '@mastercom/contracts/fixtures';
import {
  findFreePort,
  generateStandardWebhookSecret,
  standardWebhookHeaders,
} from '@mastercom/testkit';
import {
  GenericContainer,
  Network,
  Wait,
  type StartedNetwork,
  type StartedTestContainer,
} from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCompose } from '../src/compose/compose-command.js';
import { openComposeProject, type ComposeProject } from '../src/compose/compose-project.js';
import { startHealthCheckTimer, type HealthCheckTimer } from '../src/compose/health-check-timer.js';
import { runCommand, tryCommand } from '../src/process/run-command.js';
import { repoRoot } from '../src/paths.js';
import { buildReleaseImage, releaseImageName } from '../src/stage/release-image.js';
import { stageEnvironment } from './support/stage-environment.js';

const stage = stageEnvironment();
// The stage runner removes whatever carries the run's label or names if a suite is cut short.
const [labelName = '', labelValue = ''] = stage.run.containerLabel.split('=');
const runLabel = { [labelName]: labelValue };
const print = (line: string) => {
  console.log(line);
};

describe('the release image built on the stage base image', () => {
  const image = releaseImageName(repoRoot);
  const webhookSecret = generateStandardWebhookSecret();
  const apiToken = randomBytes(24).toString('base64url');
  let network: StartedNetwork | undefined;
  let postgres: StartedPostgreSqlContainer | undefined;
  let service: StartedTestContainer | undefined;
  let baseUrl: string;
  let revision: string;

  beforeAll(async () => {
    // containers:prepare built it already; this build is the layer cache's, and makes sure the
    // image is this checkout's source as it is now.
    const built = await buildReleaseImage({ cli: stage.cli, repoRoot, nodeImage: stage.nodeImage });
    revision = built.revision;
    print(`release image ${image} built in ${built.seconds.toFixed(1)} s`);

    network = await new Network({ nextUuid: () => stage.run.network }).start();
    const password = randomBytes(18).toString('base64url');
    postgres = await new PostgreSqlContainer(stage.postgresImage)
      .withLabels(runLabel)
      .withNetwork(network)
      .withNetworkAliases('postgres')
      .withUsername('mastercom')
      .withPassword(password)
      .withDatabase('mastercom')
      // Health checks never run under podman without systemd; the second readiness line is the
      // server that stays (the first is the one the image's initialisation starts and stops).
      .withWaitStrategy(
        Wait.forAll([
          Wait.forLogMessage(/database system is ready to accept connections/, 2),
          Wait.forListeningPorts(),
        ]),
      )
      .start();
    // A production web role, configured only by its environment as Kubernetes configures it.
    service = await new GenericContainer(image)
      .withLabels(runLabel)
      .withNetwork(network)
      .withEnvironment({
        NODE_ENV: 'production',
        SERVICE_ROLE: 'web',
        DATABASE_URL: `postgres://mastercom:${password}@postgres:5432/mastercom`,
        WEBHOOK_HMAC_SECRETS: webhookSecret,
        API_TOKENS: `read:${apiToken}`,
      })
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/health', 8080).forStatusCode(200))
      .withStartupTimeout(90_000)
      .start();
    baseUrl = `http://${service.getHost()}:${service.getMappedPort(8080)}`;
  });

  afterAll(async () => {
    await service?.stop();
    await postgres?.stop();
    await network?.stop();
    // The image keeps its name until the stage's cleanup untags it; removing it here would
    // remove its layers, the next run's build cache, with it.
  });

  it('runs as user 1000, not root, and carries the revision it was built from', async () => {
    const inspected = JSON.parse(
      (await runCommand(stage.cli, ['image', 'inspect', image])).stdout,
    ) as {
      Config: { User: string; Labels: Record<string, string> };
    }[];
    expect(inspected[0]?.Config.User).toBe('1000:1000');
    expect(inspected[0]?.Config.Labels['org.opencontainers.image.revision']).toBe(revision);
    const status = await service!.exec(['cat', '/proc/1/status']);
    expect(status.output).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
  });

  it('serves /health with its database ready', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'mastercom-service' });
  });

  it('acknowledges a signed alert with SUCCESS and refuses an unsigned one', async () => {
    const { alerts } = createAlertDelivery(Date.now() % 2_147_483_647, 1);
    const body = JSON.stringify({ alerts });
    const post = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/api/v6/webhooks/ethoca`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });

    expect((await post({})).status).toBe(401);
    const signed = await post({ ...standardWebhookHeaders({ secret: [webhookSecret], body }) });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({
      alertResponses: [expect.objectContaining({ alertId: alerts[0]?.alertId, status: 'SUCCESS' })],
    });
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
