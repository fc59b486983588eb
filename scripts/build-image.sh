#!/usr/bin/env bash
# Builds the service's release image and pushes it to IMAGE_REGISTRY with three tags: the commit
# (immutable; what the deploy steps run), the branch (the latest build of that branch) and the
# environment the build goes to next (staging).
#
#   IMAGE_REGISTRY=registry.example.com/payments scripts/build-image.sh [--dry-run]
#
# --dry-run prints the commands instead of running them.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=false
for arg in "$@"; do
  case $arg in
    --dry-run) dry_run=true ;;
    *) echo "usage: scripts/build-image.sh [--dry-run]" >&2; exit 2 ;;
  esac
done

if [ -z "${IMAGE_REGISTRY:-}" ]; then
  echo "build-image: IMAGE_REGISTRY is not set; it names the registry the image is pushed to" >&2
  exit 1
fi
commit=${BUILDKITE_COMMIT:-$(git rev-parse HEAD)}
branch=${BUILDKITE_BRANCH:-$(git rev-parse --abbrev-ref HEAD)}
# A Docker tag allows [A-Za-z0-9_.-], at most 128 characters, not starting with . or -.
branch_tag=$(printf '%s' "$branch" | tr -c 'A-Za-z0-9_.-' '-' | sed 's/^[.-]*//' | cut -c1-128)
version=$(node -p 'require("./packages/service/package.json").version')
image="$IMAGE_REGISTRY/mastercom-service"

run() {
  if $dry_run; then
    printf '%q' "$1"
    printf ' %q' "${@:2}"
    echo
  else
    "$@"
  fi
}

build_args=(--build-arg "REVISION=$commit" --build-arg "VERSION=$version")
if [ -n "${NODE_IMAGE:-}" ]; then
  build_args+=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
fi
run docker build --target release "${build_args[@]}" \
  --tag "$image:$commit" --tag "$image:$branch_tag" --tag "$image:staging" .
for tag in "$commit" "$branch_tag" staging; do
  run docker push "$image:$tag"
done
echo "build-image: $image:$commit"
