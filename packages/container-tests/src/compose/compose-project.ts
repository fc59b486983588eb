/* eslint-disable security/detect-non-literal-fs-filename -- the Compose file of this repository and a temporary copy of it */
// One Compose project started from the repository's docker-compose.yml under a name of its own,
// so it never meets a developer's environment or another run's.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand, tryCommand, type CommandResult } from '../process/run-command.js';
import { composeFileForLegacy, type ComposeCommand } from './compose-command.js';

/** The label Compose (every implementation) puts on the containers of a project. */
export const composeProjectLabel = 'com.docker.compose.project';

export interface ComposeProjectOptions {
  readonly compose: ComposeCommand;
  readonly projectName: string;
  /** The repository root: the Compose file's folder, against which its paths resolve. */
  readonly directory: string;
  /** The client that inspects containers (`docker` or `podman`). */
  readonly cli: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

export interface ComposeProject {
  readonly label: string;
  up(): Promise<void>;
  /** Waits until each container of the project is healthy; returns each service's status. */
  waitUntilHealthy(timeoutMs: number): Promise<Record<string, string>>;
  logs(service: string): Promise<string>;
  down(): Promise<void>;
}

export async function openComposeProject(options: ComposeProjectOptions): Promise<ComposeProject> {
  const original = path.join(options.directory, 'docker-compose.yml');
  const scratch = await mkdtemp(path.join(tmpdir(), 'mastercom-compose-'));
  let file = original;
  if (options.compose.legacy) {
    file = path.join(scratch, 'docker-compose.yml');
    await writeFile(file, composeFileForLegacy(await readFile(original, 'utf8')));
  }
  const [executable = '', ...leading] = options.compose.command;
  const args = (...rest: string[]) => [
    ...leading,
    '--project-name',
    options.projectName,
    '--project-directory',
    options.directory,
    '--file',
    file,
    ...rest,
  ];
  const compose = (...rest: string[]) =>
    runCommand(executable, args(...rest), {
      env: options.env,
      cwd: options.directory,
      onLine: options.log,
    });
  const label = `${composeProjectLabel}=${options.projectName}`;

  return {
    label,
    up: async () => {
      await compose('up', '--detach', '--build');
    },
    waitUntilHealthy: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const statuses = await healthByService(options.cli, label);
        const values = Object.values(statuses);
        if (values.length > 0 && values.every((status) => status === 'healthy')) return statuses;
        // Anything but starting or healthy (unhealthy, exited) will not get better by waiting.
        const settledBad = values.some((status) => status !== 'healthy' && status !== 'starting');
        if (settledBad || Date.now() > deadline) {
          throw new Error(`the Compose services are not all healthy: ${JSON.stringify(statuses)}`);
        }
        await sleep(1_000);
      }
    },
    logs: async (service) => {
      const result: CommandResult = await tryCommand(
        executable,
        args('logs', '--no-color', service),
        {
          env: options.env,
          cwd: options.directory,
        },
      );
      return `${result.stdout}${result.stderr}`;
    },
    down: async () => {
      try {
        // The images Compose built are untagged by the stage's cleanup instead of removed here:
        // removing an image removes its untagged parents, which are the next run's build cache.
        await compose('down', '--volumes', '--remove-orphans');
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** Each service's health status (`starting`, `healthy`, `unhealthy`, or `none` without a check). */
async function healthByService(cli: string, label: string): Promise<Record<string, string>> {
  const listed = await runCommand(cli, [
    'ps',
    '--all',
    '--quiet',
    '--no-trunc',
    '--filter',
    `label=${label}`,
  ]);
  const ids = listed.stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return {};
  const inspected = await runCommand(cli, ['inspect', ...ids]);
  const containers = JSON.parse(inspected.stdout) as {
    Config?: { Labels?: Record<string, string> };
    State?: { Status?: string; Health?: { Status?: string } };
  }[];
  const statuses: Record<string, string> = {};
  for (const container of containers) {
    const service = container.Config?.Labels?.['com.docker.compose.service'] ?? 'unknown';
    const running = container.State?.Status === 'running';
    statuses[service] = running
      ? (container.State?.Health?.Status ?? 'none')
      : (container.State?.Status ?? 'gone');
  }
  return statuses;
}
