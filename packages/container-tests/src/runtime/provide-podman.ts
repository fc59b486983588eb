// Makes a Docker-compatible runtime on a Debian machine that has none: Debian's podman, configured
// so that containers start on machines like CI's, serving the Docker API on a socket of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandError, onPath, runCommand, tryCommand } from '../process/run-command.js';
import { withRequiredSettings } from './containers-conf.js';
import { askDockerApi, type DockerApiAnswer } from './docker-api.js';

const containersConf = '/etc/containers/containers.conf';

/**
 * podman and runc are the runtime. docker-compose is the Compose implementation that honours the
 * Compose file's profiles, health-check conditions and exec-form health checks against podman's
 * Docker API; Debian's podman-compose (1.0.3) supports none of the three. debootstrap makes the
 * root filesystem the local base images start from.
 */
export const podmanPackages = ['podman', 'runc', 'docker-compose', 'debootstrap'] as const;

export type PodmanInstall =
  | { readonly installed: true; readonly newly: string[] }
  | { readonly installed: false; readonly reason: string };

export interface PodmanService {
  readonly dockerHost: string;
  readonly answer: DockerApiAnswer;
  stop(): Promise<void>;
}

/** What decides whether this stage may install podman at all. */
export interface MachineFacts {
  readonly platform: string;
  readonly uid: number | undefined;
  readonly hasAptGet: boolean;
}

/** Why podman cannot be installed on a machine like this, or undefined when it can be tried. */
export function whyPodmanCannotBeInstalled(machine: MachineFacts): string | undefined {
  if (machine.platform !== 'linux') {
    return `podman is provided only on Linux (this is ${machine.platform})`;
  }
  if (machine.uid !== 0) {
    return 'installing podman needs root (apt-get, /etc/containers); start Docker or podman yourself and set DOCKER_HOST';
  }
  if (!machine.hasAptGet) return 'no apt-get: podman is provided only on Debian-like machines';
  return undefined;
}

/**
 * Installs and configures podman if the machine allows it; does nothing where both are done.
 * Returns why not when the machine cannot have it (not root, no apt, no podman in its archive); a
 * failed install is thrown, because then the machine could and did not.
 */
export async function installPodman(log: (line: string) => void): Promise<PodmanInstall> {
  const reason = whyPodmanCannotBeInstalled({
    platform: process.platform,
    uid: process.getuid?.(),
    hasAptGet: await onPath('apt-get'),
  });
  if (reason !== undefined) return { installed: false, reason };
  const missing = await missingPackages(podmanPackages);
  if (missing.length > 0) {
    if (!(await installable('podman'))) {
      // The package lists may be empty or old on a fresh machine; refresh them once and ask again.
      await runCommand('apt-get', ['update', '-qq']);
      if (!(await installable('podman'))) {
        return { installed: false, reason: "this machine's apt archive has no podman package" };
      }
    }
    log(`installing ${missing.join(' ')} with apt-get`);
    const noninteractive = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    // Another install on the machine (a second checkout's stage) holds dpkg's lock for a while.
    const install = () =>
      tryCommand(
        'apt-get',
        ['install', '--yes', '--quiet', '--option', 'DPkg::Lock::Timeout=300', ...missing],
        noninteractive,
      );
    let installed = await install();
    if (installed.status !== 0 && dpkgWasInterrupted(installed.stderr)) {
      // An earlier run was stopped mid-install (Turbo ends a stage's tasks when one fails); apt
      // refuses to go on until dpkg finishes what it had started.
      log('finishing the install an earlier run left half done (dpkg --configure -a)');
      await runCommand('dpkg', ['--configure', '-a'], noninteractive);
      installed = await install();
    }
    if (installed.status !== 0) {
      throw new CommandError(`apt-get install ${missing.join(' ')}`, installed);
    }
  }
  await configurePodman(log);
  return { installed: true, newly: missing };
}

/** apt's refusal to install while an earlier dpkg run is unfinished (apt-get 2.6's own message). */
export function dpkgWasInterrupted(stderr: string): boolean {
  return stderr.includes("dpkg was interrupted, you must manually run 'dpkg --configure -a'");
}

async function missingPackages(names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    const status = await tryCommand('dpkg-query', ['--show', '--showformat=${Status}', name]);
    if (status.status !== 0 || !status.stdout.includes('install ok installed')) missing.push(name);
  }
  return missing;
}

async function installable(name: string): Promise<boolean> {
  const policy = await tryCommand('apt-cache', ['policy', name]);
  const candidate = /Candidate:\s*(\S+)/.exec(policy.stdout)?.[1];
  return candidate !== undefined && candidate !== '(none)';
}

async function configurePodman(log: (line: string) => void): Promise<void> {
  const current = await readFile(containersConf, 'utf8').catch(() => '');
  const wanted = withRequiredSettings(current);
  if (wanted === current) return;
  await mkdir(path.dirname(containersConf), { recursive: true });
  await writeFile(containersConf, wanted);
  log(`${containersConf}: runtime = "runc", default_ulimits = []`);
}

/**
 * `podman system service` on a socket in a fresh temporary folder, so that concurrent stages and
 * anybody's own podman service never share or remove each other's socket. `--time=0` keeps it up
 * between the suites' requests; stop() ends it.
 */
export async function startPodmanService(): Promise<PodmanService> {
  const folder = await mkdtemp(path.join(tmpdir(), 'mastercom-podman-'));
  const dockerHost = `unix://${path.join(folder, 'podman.sock')}`;
  const child = spawn('podman', ['system', 'service', '--time=0', dockerHost], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const stop = async () => {
    await endProcess(child);
    await rm(folder, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await askDockerApi(dockerHost, 5_000);
    if (answer !== undefined) return { dockerHost, answer, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`podman system service did not answer on ${dockerHost}\n${stderr.trim()}`);
    }
    await sleep(100);
  }
}

async function endProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) child.kill('SIGKILL');
}
