import { describe, expect, it } from 'vitest';
import { deployedRevisions } from './deployed-revisions.js';

const replicaSet = (
  revision: string | undefined,
  owner: string,
  containers: { name: string; image: string }[],
) => ({
  metadata: {
    annotations: revision === undefined ? {} : { 'deployment.kubernetes.io/revision': revision },
    ownerReferences: [{ kind: 'Deployment', name: owner }],
  },
  spec: { template: { spec: { containers } } },
});

describe('deployedRevisions', () => {
  it('lists the Deployment’s own revisions newest first, with the service container’s image', () => {
    const list = JSON.stringify({
      items: [
        replicaSet('2', 'web', [{ name: 'service', image: 'r/s:b' }]),
        replicaSet('10', 'web', [
          { name: 'sidecar', image: 'r/proxy:1' },
          { name: 'service', image: 'r/s:c' },
        ]),
        replicaSet('1', 'web', [{ name: 'app', image: 'r/s:a' }]),
        // Another Deployment's, and ReplicaSets without a revision, are not this one's history.
        replicaSet('11', 'worker', [{ name: 'service', image: 'r/s:c' }]),
        replicaSet(undefined, 'web', [{ name: 'service', image: 'r/s:x' }]),
        replicaSet('0', 'web', [{ name: 'service', image: 'r/s:y' }]),
      ],
    });
    expect(deployedRevisions(list, 'web')).toEqual([
      { revision: 10, image: 'r/s:c' },
      { revision: 2, image: 'r/s:b' },
      { revision: 1, image: 'r/s:a' },
    ]);
  });

  it('refuses what is not a Kubernetes list', () => {
    expect(() => deployedRevisions('{"kind":"ReplicaSet"}', 'web')).toThrow('has no items');
  });
});
