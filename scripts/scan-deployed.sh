#!/usr/bin/env bash
# The nightly security trigger of the rollback: scans the image an environment runs now with
# Trivy (scripts/scan-image.sh: a CRITICAL vulnerability with a fix fails). Advisories are
# published every day, so an image that passed at build time can fail tonight.
#
#   scripts/scan-deployed.sh staging|production
#
# When the running image fails, the newest earlier revision whose image passes is the rollback
# target, and the rollback pipeline's step (scripts/rollback-release.sh, with its checks and status
# update) is uploaded into this build for it, in the environment's concurrency group. When no
# earlier revision passes either, a rollback would not remove the vulnerability: the step fails and
# says the fix must go forward (a rebuild on an updated base image or dependency).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/release.sh
source "$root/scripts/lib/release.sh"

environment=${1:-}
case $environment in
  staging | production) ;;
  *) echo "usage: scripts/scan-deployed.sh staging|production" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/scan-deployed.XXXXXX")
trap 'rm -rf "$work"' EXIT
kubectl kustomize "$root/k8s/$environment" >"$work/manifests.yaml"
# Every Deployment of an environment runs the same image and is deployed and rolled back together
# (scripts/deploy.sh, scripts/rollback.sh), so the first one's revisions stand for all.
deployment=$(release_list_deployments "$work/manifests.yaml" | head -n 1)
if [ -z "$deployment" ]; then
  echo "scan-deployed: k8s/$environment renders no Deployment" >&2
  exit 1
fi
namespace=${deployment%%/*}
name=${deployment#*/}
kubectl get replicasets --namespace "$namespace" --output json >"$work/replicasets.json"
(cd "$root" && pnpm turbo run build --filter=@mastercom/pipeline --output-logs=errors-only)
mapfile -t revisions < <(node "$root/packages/pipeline/dist/security/deployed-revisions-cli.js" \
  "$work/replicasets.json" "$name")

mkdir -p "$root/reports/security"
# Scans one image; keeps its report as an artifact under the revision's name.
scan() {
  local revision=$1 image=$2 status=0
  "$root/scripts/scan-image.sh" "$image" || status=$?
  cp "$root/reports/security/trivy-image.json" \
    "$root/reports/security/trivy-$environment-revision-$revision.json" 2>/dev/null || true
  return "$status"
}

read -r current_revision current_image <<<"${revisions[0]}"
echo "scan-deployed: $environment runs revision $current_revision, $current_image"
if scan "$current_revision" "$current_image"; then
  echo "scan-deployed: $environment passes: no critical vulnerability with a fix"
  exit 0
fi

echo "scan-deployed: $environment's image has a critical vulnerability with a fix; looking for an earlier revision that passes"
target=""
for entry in "${revisions[@]:1}"; do
  read -r revision image <<<"$entry"
  if [ "$image" = "$current_image" ]; then
    echo "scan-deployed: revision $revision runs the same image; skipped"
    continue
  fi
  if scan "$revision" "$image"; then
    target=$revision
    break
  fi
done
if [ -z "$target" ]; then
  echo "scan-deployed: no earlier revision of $environment passes the scan; a rollback would not remove the vulnerability, so the fix must go forward (rebuild on an updated base image or dependency)" >&2
  exit 1
fi
reason="nightly image scan: revision $current_revision ($current_image) has a critical vulnerability with a fix; revision $target passes"
echo "scan-deployed: rolling $environment back to revision $target"
node "$root/packages/pipeline/dist/buildkite/rollback-step-cli.js" "$environment" \
  --revision "$target" --reason "$reason" | buildkite-agent pipeline upload
# The build fails so that the vulnerability is seen, whatever the rollback's own result.
exit 1
