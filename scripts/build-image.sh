#!/usr/bin/env bash
# Builds the service's release image, smoke-tests it (scripts/smoke-image.sh: /health and one
# alert's round trip against PostgreSQL and the mocks) and only then pushes it to IMAGE_REGISTRY
# with the commit's tag (immutable; what the deploy steps run), the branch's (the latest build of
# that branch) and, in a tag build (BUILDKITE_TAG vMAJOR.MINOR.PATCH), the version's. It never pushes `staging` or
# `production`: scripts/deploy.sh moves those only after it verified the release there.
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
tags=("$commit" "$branch_tag")
if [ -n "${BUILDKITE_TAG:-}" ]; then
  if ! [[ $BUILDKITE_TAG =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "build-image: the tag $BUILDKITE_TAG is not a version (vMAJOR.MINOR.PATCH); no image is pushed for it" >&2
    exit 1
  fi
  tags+=("$BUILDKITE_TAG")
fi

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
tag_args=()
for tag in "${tags[@]}"; do tag_args+=(--tag "$image:$tag"); done
run docker build --target release "${build_args[@]}" "${tag_args[@]}" .
# An image that fails its smoke test is never pushed, so no deploy step can find it.
run scripts/smoke-image.sh "$image:$commit"
for tag in "${tags[@]}"; do
  run docker push "$image:$tag"
done
echo "build-image: $image:$commit"
