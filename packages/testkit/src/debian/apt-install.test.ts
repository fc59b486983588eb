/* eslint-disable security/detect-non-literal-fs-filename -- the only paths are in a temporary folder the test makes */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aptInstall, dpkgWasInterrupted } from './apt-install.js';

describe('dpkgWasInterrupted', () => {
  it("is recognised from apt-get's own message, and nothing else is", () => {
    // Verbatim from apt-get 2.6 on Debian 12, after a stage was stopped during its install.
    const interrupted =
      "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem. \n";
    expect(dpkgWasInterrupted(interrupted)).toBe(true);
    expect(dpkgWasInterrupted('E: Unable to locate package podman\n')).toBe(false);
    expect(
      dpkgWasInterrupted(
        'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 7\n',
      ),
    ).toBe(false);
  });
});

/**
 * Stand-ins for apt-get and dpkg first on PATH, each recording its call in a log: apt-get
 * refuses as an interrupted dpkg makes it until dpkg has been run, or always with `--broken`.
 */
async function fakeDebian(mode: 'interrupted' | 'broken') {
  const bin = await mkdtemp(path.join(tmpdir(), 'fake-debian-'));
  const calls = path.join(bin, 'calls.log');
  const repaired = path.join(bin, 'repaired');
  await writeFile(
    path.join(bin, 'apt-get'),
    `#!/bin/sh
echo "apt-get $*" >> ${calls}
if [ ${mode} = broken ] || [ ! -e ${repaired} ]; then
  echo "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem. " >&2
  exit 100
fi
echo "Setting up $5"
`,
    { mode: 0o755 },
  );
  await writeFile(
    path.join(bin, 'dpkg'),
    `#!/bin/sh\necho "dpkg $*" >> ${calls}\ntouch ${repaired}\n`,
    { mode: 0o755 },
  );
  const read = async () => (await readFile(calls, 'utf8')).trim().split('\n');
  return { bin, read };
}

describe('aptInstall', () => {
  const path0 = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path0;
  });

  it('finishes an interrupted install once, then installs', async () => {
    const fake = await fakeDebian('interrupted');
    process.env.PATH = `${fake.bin}:${path0 ?? ''}`;
    const lines: string[] = [];
    await aptInstall(['chromium'], (line) => lines.push(line));
    expect(await fake.read()).toEqual([
      'apt-get install --yes --quiet --option DPkg::Lock::Timeout=300 chromium',
      'dpkg --configure -a',
      'apt-get install --yes --quiet --option DPkg::Lock::Timeout=300 chromium',
    ]);
    expect(lines).toEqual([
      'finishing the install an earlier run left half done (dpkg --configure -a)',
    ]);
  });

  it('throws with the output when the install still fails', async () => {
    const fake = await fakeDebian('broken');
    process.env.PATH = `${fake.bin}:${path0 ?? ''}`;
    await expect(aptInstall(['podman'], () => undefined)).rejects.toThrow(
      /^`apt-get install podman` exited with 100\nE: dpkg was interrupted/,
    );
    expect(await fake.read()).toHaveLength(3);
  });
});
