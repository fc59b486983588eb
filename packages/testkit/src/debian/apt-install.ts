import { spawn } from 'node:child_process';

/**
 * Installs Debian packages for a test stage that provides its own tools on a fresh machine
 * (podman for the containers, Chromium for the browser). Two things a plain `apt-get install`
 * does not survive:
 * - another install running at the same time (a second stage or checkout) holds dpkg's lock: wait
 *   for it, up to five minutes, rather than fail at once;
 * - an earlier run stopped in the middle of its install (Turbo ends the other tasks of a run when
 *   one fails): apt then refuses everything until `dpkg --configure -a` finishes what was started,
 *   which is done here once before installing again.
 */
export async function aptInstall(
  packages: readonly string[],
  log: (line: string) => void,
): Promise<void> {
  const install = () =>
    run('apt-get', [
      'install',
      '--yes',
      '--quiet',
      '--option',
      'DPkg::Lock::Timeout=300',
      ...packages,
    ]);
  let installed = await install();
  if (installed.status !== 0 && dpkgWasInterrupted(installed.stderr)) {
    log('finishing the install an earlier run left half done (dpkg --configure -a)');
    const repaired = await run('dpkg', ['--configure', '-a']);
    if (repaired.status !== 0) throw failure('dpkg --configure -a', repaired);
    installed = await install();
  }
  if (installed.status !== 0) throw failure(`apt-get install ${packages.join(' ')}`, installed);
}

/** apt's refusal to install while an earlier dpkg run is unfinished (apt-get 2.6's own message). */
export function dpkgWasInterrupted(stderr: string): boolean {
  return stderr.includes("dpkg was interrupted, you must manually run 'dpkg --configure -a'");
}

interface Outcome {
  status: number | null;
  stderr: string;
  output: string;
}

function failure(command: string, outcome: Outcome): Error {
  const tail = outcome.output.trim().split('\n').slice(-30).join('\n');
  return new Error(`\`${command}\` exited with ${String(outcome.status)}\n${tail}`);
}

/** Runs a command with its output shown as it comes, keeping stderr to read the refusal. */
function run(command: string, args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      output += chunk.toString('utf8');
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({ status, stderr, output });
    });
  });
}
