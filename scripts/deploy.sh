#!/usr/bin/env bash
# Deploys the service image to one environment with its kustomize overlay and waits for the
# rollout; a rollout that does not become ready in time is undone, and the step fails.
#
#   scripts/deploy.sh staging|production [--dry-run]
#
# The image is IMAGE when set, otherwise IMAGE_REGISTRY/mastercom-service:BUILDKITE_COMMIT (the
# commit tag scripts/build-image.sh pushed). ROLLOUT_TIMEOUT bounds the wait (default 300s).
# --dry-run renders the manifests with the image set and prints the kubectl commands; it needs no
# cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  echo "usage: scripts/deploy.sh staging|production [--dry-run]" >&2
  exit 2
}

environment=""
dry_run=false
for arg in "$@"; do
  case $arg in
    staging | production) environment=$arg ;;
    --dry-run) dry_run=true ;;
    *) usage ;;
  esac
done
[ -n "$environment" ] || usage

overlay="$root/k8s/$environment"
if [ ! -f "$overlay/kustomization.yaml" ]; then
  echo "deploy: no kustomize overlay at k8s/$environment/kustomization.yaml; add the $environment overlay before deploying there" >&2
  exit 1
fi

image=${IMAGE:-}
if [ -z "$image" ]; then
  if [ -z "${IMAGE_REGISTRY:-}" ]; then
    echo "deploy: set IMAGE, or IMAGE_REGISTRY (with BUILDKITE_COMMIT or a git checkout) to name the image" >&2
    exit 1
  fi
  commit=${BUILDKITE_COMMIT:-$(git -C "$root" rev-parse HEAD)}
  image="$IMAGE_REGISTRY/mastercom-service:$commit"
fi
timeout=${ROLLOUT_TIMEOUT:-300s}

# The overlay is applied through a throwaway kustomization that only sets the image, so the
# committed overlay stays untouched and names the image as `mastercom-service`. Kustomize accepts
# only relative resource paths, so k8s/ is copied beside it.
work=$(mktemp -d "${TMPDIR:-/tmp}/deploy.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$root/k8s" "$work/k8s"
mkdir "$work/deploy"
cat >"$work/deploy/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../k8s/$environment
images:
  - name: mastercom-service
    newName: ${image%:*}
    newTag: ${image##*:}
YAML
kubectl kustomize "$work/deploy" >"$work/manifests.yaml"

# The Deployments the overlay creates, as namespace/name, read from kustomize's normalised output
# (top-level keys at column 0, metadata's fields indented by two spaces).
mapfile -t deployments < <(awk '
  /^---/ { flush(); next }
  /^[a-zA-Z]/ { section = $1 }
  /^kind: / { kind = $2 }
  section == "metadata:" && /^  name: / { name = $2 }
  section == "metadata:" && /^  namespace: / { namespace = $2 }
  function flush() { if (kind == "Deployment") print (namespace == "" ? "default" : namespace) "/" name; kind = ""; name = ""; namespace = ""; section = "" }
  END { flush() }
' "$work/manifests.yaml")
if [ ${#deployments[@]} -eq 0 ]; then
  echo "deploy: k8s/$environment renders no Deployment; nothing to roll out" >&2
  exit 1
fi

if $dry_run; then
  echo "deploy: dry run for $environment with $image"
  cat "$work/manifests.yaml"
  echo "kubectl apply -k k8s/$environment (image $image)"
  for deployment in "${deployments[@]}"; do
    echo "kubectl rollout status deployment/${deployment#*/} --namespace ${deployment%%/*} --timeout $timeout"
  done
  exit 0
fi

echo "deploy: $image to $environment"
kubectl apply -k "$work/deploy"
failed=()
for deployment in "${deployments[@]}"; do
  if ! kubectl rollout status "deployment/${deployment#*/}" --namespace "${deployment%%/*}" --timeout "$timeout"; then
    failed+=("$deployment")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  for deployment in "${failed[@]}"; do
    echo "deploy: rollout of $deployment did not complete in $timeout; rolling back" >&2
    kubectl rollout undo "deployment/${deployment#*/}" --namespace "${deployment%%/*}"
    kubectl rollout status "deployment/${deployment#*/}" --namespace "${deployment%%/*}" --timeout "$timeout" || true
  done
  echo "deploy: $environment rolled back; $image was not deployed" >&2
  exit 1
fi
echo "deploy: $environment runs $image"
