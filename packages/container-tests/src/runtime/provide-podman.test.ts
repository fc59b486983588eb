import { describe, expect, it } from 'vitest';
import { whyPodmanCannotBeInstalled } from './provide-podman.js';

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
