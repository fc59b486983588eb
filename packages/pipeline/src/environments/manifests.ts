// Renders the Kubernetes overlays in k8s/ with kustomize and validates every object against the
// Kubernetes OpenAPI schemas shipped by kubernetes-models, so a typo in a manifest fails here and
// not in a cluster during a deploy.
import { execFileSync } from 'node:child_process';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { repoPath } from '../repository.js';

export type ManifestObject =
  | Deployment
  | HorizontalPodAutoscaler
  | Ingress
  | NetworkPolicy
  | PodDisruptionBudget
  | ConfigMap
  | Service
  | ServiceAccount;

/** The kinds the overlays may contain; anything else is a mistake until it is added here. */
const MODELS: Record<string, new (data: never) => ManifestObject> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

/** `kubectl kustomize` of a folder (offline), as plain objects. */
export function renderKustomization(directory: string): Record<string, unknown>[] {
  const output = execFileSync('kubectl', ['kustomize', directory], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(output).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.map(String).join('\n'));
    return document.toJS() as Record<string, unknown>;
  });
}

/** Renders k8s/ENV and returns each object as its kubernetes-models class, validated. */
export function renderOverlay(environment: string): ManifestObject[] {
  return renderKustomization(repoPath('k8s', environment)).map((object) => toModel(object));
}

export function toModel(object: Record<string, unknown>): ManifestObject {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const Model = MODELS[key];
  if (Model === undefined) throw new Error(`no schema for ${key}; add it to MODELS`);
  const model = new Model(object as never);
  // Throws with the schema path of every violation.
  model.validate();
  return model;
}
