#!/usr/bin/env bash
# Deploys the service image to one environment with its kustomize overlay, waits for the rollout,
# runs the smoke check and watches the release through a verification window. A rollout that does
# not become ready in time, a failed smoke check, a failing /health or (with Datadog keys) an error
# rate or latency above the SLO module's thresholds undoes the release, checks that the previous
# version is healthy, and fails the step.
#
#   scripts/deploy.sh staging|production [IMAGE] [--dry-run]
#
# The image is the IMAGE argument, else the IMAGE variable, otherwise
# IMAGE_REGISTRY/mastercom-service:BUILDKITE_COMMIT (the commit tag scripts/build-image.sh pushed).
# It must carry a tag other than `latest`: the tag becomes the release's Datadog version, and a
# moving tag cannot be rolled back to. ROLLOUT_TIMEOUT bounds each wait (default 300s). The checks
# read SERVICE_URL (or STAGING_URL / PRODUCTION_URL), SMOKE_API_TOKEN(_FILE),
# VERIFY_WINDOW_SECONDS, VERIFY_INTERVAL_SECONDS, DD_API_KEY, DD_APP_KEY and DD_SITE; see
# scripts/lib/release.sh. --dry-run renders the manifests with the image set and prints the
# kubectl commands and checks; it needs no cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/release.sh
source "$root/scripts/lib/release.sh"

usage() {
  echo "usage: scripts/deploy.sh staging|production [IMAGE] [--dry-run]" >&2
  exit 2
}

environment=""
image_argument=""
dry_run=false
for arg in "$@"; do
  case $arg in
    staging | production) environment=$arg ;;
    --dry-run) dry_run=true ;;
    -*) usage ;;
    *)
      # The image comes after the environment, once.
      if [ -z "$environment" ] || [ -n "$image_argument" ]; then usage; fi
      image_argument=$arg
      ;;
  esac
done
[ -n "$environment" ] || usage

overlay="$root/k8s/$environment"
if [ ! -f "$overlay/kustomization.yaml" ]; then
  echo "deploy: no kustomize overlay at k8s/$environment/kustomization.yaml; add the $environment overlay before deploying there" >&2
  exit 1
fi

image=${image_argument:-${IMAGE:-}}
if [ -z "$image" ]; then
  if [ -z "${IMAGE_REGISTRY:-}" ]; then
    echo "deploy: set IMAGE, or IMAGE_REGISTRY (with BUILDKITE_COMMIT or a git checkout) to name the image" >&2
    exit 1
  fi
  commit=${BUILDKITE_COMMIT:-$(git -C "$root" rev-parse HEAD)}
  image="$IMAGE_REGISTRY/mastercom-service:$commit"
fi
timeout=${ROLLOUT_TIMEOUT:-300s}

# The tag is read from the last path segment, so a registry port (registry:5000/...) is not taken
# for one. Digests are refused too: the version label needs a tag.
image_name=${image##*/}
case $image_name in
  *@*) tag="" ;;
  *:*) tag=${image_name##*:} ;;
  *) tag="" ;;
esac
if [ -z "$tag" ] || [ "$tag" = latest ]; then
  echo "deploy: $image has no fixed tag; deploy a commit or version tag, never latest or an untagged name" >&2
  exit 1
fi
if ! [[ $tag =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]]; then
  echo "deploy: the tag $tag cannot be a Kubernetes label value (tags.datadoghq.com/version)" >&2
  exit 1
fi
if ! $dry_run; then
  release_require_checks "$environment" || exit 1
  # With Datadog keys the verification window needs the SLO thresholds; a checkout that has not
  # built the contracts builds them now, so a missing file cannot turn into a rollback later.
  if [ -n "${DD_API_KEY:-}" ] && [ -n "${DD_APP_KEY:-}" ]; then
    if [ -z "${SLO_MODULE:-}" ] && [ ! -f "$root/contracts/dist/slo.js" ]; then
      (cd "$root" && pnpm turbo run build --filter=@mastercom/contracts --output-logs=errors-only)
    fi
    release_slo_thresholds >/dev/null || exit 1
  fi
fi

# The overlay is applied through a throwaway kustomization that only sets the image and the
# Datadog version label (from which DD_VERSION is read), so the committed overlay stays untouched
# and names the image as `mastercom-service`. Kustomize accepts
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
    newTag: $tag
labels:
  - pairs:
      tags.datadoghq.com/version: "$tag"
    includeSelectors: false
    includeTemplates: true
YAML
kubectl kustomize "$work/deploy" >"$work/manifests.yaml"

mapfile -t deployments < <(release_list_deployments "$work/manifests.yaml")
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
  release_print_smoke_plan "$environment"
  echo "verify: GET /health every ${VERIFY_INTERVAL_SECONDS:-30}s for ${VERIFY_WINDOW_SECONDS:-300}s, with DD_API_KEY and DD_APP_KEY also the error rate and p95/p99 latency of version $tag against contracts/src/slo.ts"
  echo "on any failure: kubectl rollout undo of every Deployment, then the smoke check of the previous version"
  echo "after verification: docker buildx imagetools create --tag ${image%:*}:$environment $image"
  exit 0
fi

# Any failure after the apply ends here: the whole release is undone (both roles, so web and
# worker never run different versions), and the version left running is checked.
fail_release() {
  echo "deploy: $1; rolling back" >&2
  if release_undo_and_validate "$environment" "$timeout" "" "${deployments[@]}"; then
    echo "deploy: $environment rolled back to the previous version, which is healthy; $image was not deployed" >&2
  else
    echo "deploy: $environment rolled back, but the previous version is not healthy either; $image was not deployed" >&2
  fi
  exit 1
}

echo "deploy: $image to $environment"
kubectl apply -k "$work/deploy"
failed=()
for deployment in "${deployments[@]}"; do
  if ! kubectl rollout status "deployment/${deployment#*/}" --namespace "${deployment%%/*}" --timeout "$timeout"; then
    failed+=("$deployment")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  fail_release "rollout of ${failed[*]} did not complete in $timeout"
fi
release_smoke "$environment" || fail_release "the smoke check of $image failed"
release_verify_window "$environment" "$tag" || fail_release "$image failed the verification window"
echo "deploy: $environment runs $image"
# Only a verified release moves the environment's tag, so `:staging` and `:production` always name
# an image that passed there. imagetools copies the manifest inside the registry, without a pull.
if ! docker buildx imagetools create --tag "${image%:*}:$environment" "$image"; then
  echo "deploy: $environment runs $image, but moving the $environment tag to it failed" >&2
  exit 1
fi
