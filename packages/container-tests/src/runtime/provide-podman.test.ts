import { describe, expect, it } from 'vitest';
import { dpkgWasInterrupted, whyPodmanCannotBeInstalled } from './provide-podman.js';

describe('whether podman can be provided', () => {
  const debianRoot = { platform: 'linux', uid: 0, hasAptGet: true };

  it('tries on a Debian-like machine as root', () => {
    expect(whyPodmanCannotBeInstalled(debianRoot)).toBeUndefined();
  });

  it('says why not elsewhere, naming what to do instead where there is something', () => {
    expect(whyPodmanCannotBeInstalled({ ...debianRoot, platform: 'darwin' })).toBe(
      'podman is provided only on Linux (this is darwin)',
    );
    expect(whyPodmanCannotBeInstalled({ ...debianRoot, uid: 1000 })).toMatch(
      /^installing podman needs root .*set DOCKER_HOST$/,
    );
    expect(whyPodmanCannotBeInstalled({ ...debianRoot, hasAptGet: false })).toMatch(/^no apt-get/);
  });
});

describe('an install an earlier run left half done', () => {
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
