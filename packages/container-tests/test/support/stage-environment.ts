// What the stage runner (src/stage/container-stage-cli.ts) hands the suites in their environment.
import { defaultPostgresImage } from '@mastercom/testkit';
import { stageRunNames, type StageRunNames } from '../../src/stage/stage-run.js';

export interface StageEnvironment {
  /** `podman` or `docker`: builds and inspects images. */
  readonly cli: string;
  /** `podman` needs its health checks run for it (src/compose/health-check-timer.ts). */
  readonly engine: string;
  /** The Dockerfile's base image; undefined leaves the Dockerfile's default. */
  readonly nodeImage: string | undefined;
  /** The PostgreSQL image testcontainers starts, the test kit's default unless configured. */
  readonly postgresImage: string;
  /** The names this run's containers, network, Compose project and image must use. */
  readonly run: StageRunNames;
}

/** An empty variable counts as unset, as it does for Compose's `${NAME:-default}`. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

export function stageEnvironment(env: NodeJS.ProcessEnv = process.env): StageEnvironment {
  const cli = env.CONTAINER_CLI;
  const engine = env.CONTAINER_ENGINE;
  const runId = env.CONTAINER_STAGE_RUN;
  if (!cli || !engine || !runId || !env.DOCKER_HOST) {
    throw new Error(
      'these suites need the runtime the stage provides: run them with `pnpm turbo run test:containers`',
    );
  }
  return {
    cli,
    engine,
    nodeImage: nonEmpty(env.NODE_IMAGE),
    postgresImage: nonEmpty(env.TESTCONTAINERS_POSTGRES_IMAGE) ?? defaultPostgresImage,
    run: stageRunNames(runId),
  };
}
