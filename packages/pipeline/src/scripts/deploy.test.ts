/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside a temporary folder this test made */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoPath } from '../repository.js';

// scripts/deploy.sh runs from a copy in a temporary repository, so each test chooses which
// overlays exist. kubectl is the real one for `kustomize` (offline) and a recording stand-in for
// the cluster calls, since there is no cluster here.
let root: string;
const realKubectl = execFileSync('bash', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'deploy-'));
  mkdirSync(path.join(root, 'scripts'));
  copyFileSync(repoPath('scripts', 'deploy.sh'), path.join(root, 'scripts', 'deploy.sh'));
  mkdirSync(path.join(root, 'bin'));
  writeFileSync(
    path.join(root, 'bin', 'kubectl'),
    `#!/usr/bin/env bash
if [ "$1" = kustomize ]; then exec ${realKubectl} "$@"; fi
echo "$*" >> "${root}/kubectl.log"
if [ "$1 $2" = "rollout status" ] && [ -n "\${FAIL_ROLLOUT:-}" ] && [ ! -f "${root}/undone" ]; then exit 1; fi
if [ "$1 $2" = "rollout undo" ]; then touch "${root}/undone"; fi
exit 0
`,
  );
  chmodSync(path.join(root, 'bin', 'kubectl'), 0o755);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function addOverlay(environment: string) {
  const base = path.join(root, 'k8s', 'base');
  mkdirSync(base, { recursive: true });
  writeFileSync(path.join(base, 'kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
  writeFileSync(
    path.join(base, 'deployment.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: mastercom-service
spec:
  selector: { matchLabels: { app: mastercom-service } }
  template:
    metadata: { labels: { app: mastercom-service } }
    spec:
      containers:
        - name: service
          image: mastercom-service
`,
  );
  const overlay = path.join(root, 'k8s', environment);
  mkdirSync(overlay, { recursive: true });
  writeFileSync(
    path.join(overlay, 'kustomization.yaml'),
    `namespace: mastercom-${environment}\nresources:\n  - ../base\n`,
  );
}

function deploy(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('bash', [path.join(root, 'scripts', 'deploy.sh'), ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${path.join(root, 'bin')}:${process.env.PATH ?? ''}`,
      IMAGE: 'registry.test/mastercom-service:abc123',
      ...env,
    },
  });
  let log = '';
  try {
    log = readFileSync(path.join(root, 'kubectl.log'), 'utf8');
  } catch {
    // No cluster call was made.
  }
  return { ...result, log };
}

describe('scripts/deploy.sh', () => {
  it('refuses an unknown environment', () => {
    expect(deploy(['qa']).status).toBe(2);
  });

  it('fails with a clear message while the overlay does not exist', () => {
    const result = deploy(['staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no kustomize overlay at k8s/staging/kustomization.yaml');
  });

  it('renders the overlay with the image set and touches no cluster in a dry run', () => {
    addOverlay('staging');
    const result = deploy(['staging', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('image: registry.test/mastercom-service:abc123');
    expect(result.stdout).toContain(
      'kubectl rollout status deployment/mastercom-service --namespace mastercom-staging --timeout 300s',
    );
    expect(result.log).toBe('');
  });

  it('names the image from IMAGE_REGISTRY and the commit when IMAGE is not set', () => {
    addOverlay('production');
    const result = deploy(['production', '--dry-run'], {
      IMAGE: '',
      IMAGE_REGISTRY: 'registry.test:5000/payments',
      BUILDKITE_COMMIT: 'f00d',
    });
    expect(result.stdout).toContain('image: registry.test:5000/payments/mastercom-service:f00d');
  });

  it('applies the overlay and waits for the rollout', () => {
    addOverlay('staging');
    const result = deploy(['staging']);
    expect(result.status).toBe(0);
    expect(result.log.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^apply -k .*\/deploy$/),
      'rollout status deployment/mastercom-service --namespace mastercom-staging --timeout 300s',
    ]);
  });

  it('undoes a rollout that does not complete and fails the step', () => {
    addOverlay('production');
    const result = deploy(['production'], { FAIL_ROLLOUT: '1', ROLLOUT_TIMEOUT: '5s' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('production rolled back');
    expect(result.log.split('\n').filter(Boolean).slice(1)).toEqual([
      'rollout status deployment/mastercom-service --namespace mastercom-production --timeout 5s',
      'rollout undo deployment/mastercom-service --namespace mastercom-production',
      'rollout status deployment/mastercom-service --namespace mastercom-production --timeout 5s',
    ]);
  });
});
