#!/usr/bin/env bash
# The manual rollback: undoes every Deployment of an environment to the previous revision, or to
# REVISION, waits for the rollout and runs the same validation as a failed deploy's rollback (the
# rollout becomes ready and the smoke check passes).
#
#   scripts/rollback.sh staging|production [REVISION] [--dry-run]
#
# `kubectl rollout history deployment/mastercom-service-web -n mastercom-ENV` lists the revisions.
# The web and worker Deployments are always deployed together, so their revision numbers advance
# together; a REVISION that one of them lacks stops the rollback before anything changes.
# ROLLOUT_TIMEOUT bounds the wait (default 300s); the smoke check reads SERVICE_URL (or
# STAGING_URL / PRODUCTION_URL) and SMOKE_API_TOKEN(_FILE). --dry-run prints the commands.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/release.sh
source "$root/scripts/lib/release.sh"

usage() {
  echo "usage: scripts/rollback.sh staging|production [REVISION] [--dry-run]" >&2
  exit 2
}

environment=""
revision=""
dry_run=false
for arg in "$@"; do
  case $arg in
    staging | production) environment=$arg ;;
    --dry-run) dry_run=true ;;
    *)
      if [ -z "$environment" ] || [ -n "$revision" ] || ! [[ $arg =~ ^[1-9][0-9]*$ ]]; then usage; fi
      revision=$arg
      ;;
  esac
done
[ -n "$environment" ] || usage

overlay="$root/k8s/$environment"
if [ ! -f "$overlay/kustomization.yaml" ]; then
  echo "rollback: no kustomize overlay at k8s/$environment/kustomization.yaml" >&2
  exit 1
fi
timeout=${ROLLOUT_TIMEOUT:-300s}
work=$(mktemp -d "${TMPDIR:-/tmp}/rollback.XXXXXX")
trap 'rm -rf "$work"' EXIT
kubectl kustomize "$overlay" >"$work/manifests.yaml"
mapfile -t deployments < <(release_list_deployments "$work/manifests.yaml")
if [ ${#deployments[@]} -eq 0 ]; then
  echo "rollback: k8s/$environment renders no Deployment; nothing to roll back" >&2
  exit 1
fi
target=${revision:+revision $revision}

if $dry_run; then
  echo "rollback: dry run for $environment to ${target:-the previous revision}"
  for deployment in "${deployments[@]}"; do
    if [ -n "$revision" ]; then
      echo "kubectl rollout history deployment/${deployment#*/} --namespace ${deployment%%/*} --revision $revision"
      echo "kubectl rollout undo deployment/${deployment#*/} --namespace ${deployment%%/*} --to-revision $revision"
    else
      echo "kubectl rollout undo deployment/${deployment#*/} --namespace ${deployment%%/*}"
    fi
    echo "kubectl rollout status deployment/${deployment#*/} --namespace ${deployment%%/*} --timeout $timeout"
  done
  release_print_smoke_plan "$environment"
  exit 0
fi

release_require_checks "$environment" || exit 1
if [ -n "$revision" ]; then
  for deployment in "${deployments[@]}"; do
    if ! kubectl rollout history "deployment/${deployment#*/}" --namespace "${deployment%%/*}" --revision "$revision" >/dev/null; then
      echo "rollback: $deployment has no revision $revision; nothing was changed" >&2
      exit 1
    fi
  done
fi
echo "rollback: $environment to ${target:-the previous revision}"
if release_undo_and_validate "$environment" "$timeout" "$revision" "${deployments[@]}"; then
  echo "rollback: done"
else
  exit 1
fi
