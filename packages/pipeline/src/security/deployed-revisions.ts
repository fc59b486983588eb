// The revisions of a Deployment and the image each ran, read from its ReplicaSets: Kubernetes keeps
// one ReplicaSet per revision, owned by the Deployment and annotated with
// `deployment.kubernetes.io/revision` (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#checking-rollout-history-of-a-deployment).
// `kubectl rollout history --revision N -o json` is not used: for years it printed the current
// Deployment whatever N was (kubernetes/kubernetes#72782, #110097).

export interface DeployedRevision {
  readonly revision: number;
  /** The image of the container named `service`, else of the first container. */
  readonly image: string;
}

interface ReplicaSet {
  metadata?: {
    annotations?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string }[];
  };
  spec?: { template?: { spec?: { containers?: { name?: string; image?: string }[] } } };
}

/** The Deployment's revisions, newest (the one running) first. */
export function deployedRevisions(replicaSetList: string, deployment: string): DeployedRevision[] {
  const list = JSON.parse(replicaSetList) as { items?: ReplicaSet[] };
  if (!Array.isArray(list.items)) throw new Error('not a Kubernetes list: it has no items');
  const revisions = list.items.flatMap((replicaSet): DeployedRevision[] => {
    const owned = (replicaSet.metadata?.ownerReferences ?? []).some(
      (owner) => owner.kind === 'Deployment' && owner.name === deployment,
    );
    const revision = Number(
      replicaSet.metadata?.annotations?.['deployment.kubernetes.io/revision'],
    );
    const containers = replicaSet.spec?.template?.spec?.containers ?? [];
    const image = (containers.find((container) => container.name === 'service') ?? containers[0])
      ?.image;
    if (!owned || !Number.isSafeInteger(revision) || revision < 1 || image === undefined) return [];
    return [{ revision, image }];
  });
  return revisions.sort((a, b) => b.revision - a.revision);
}
