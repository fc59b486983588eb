#!/usr/bin/env bash
# The k6 load gate: runs the bundled `load` scenario of @mastercom/load in the grafana/k6 image
# against the staging service. k6 exits non-zero when a threshold fails, and so does this step.
#
#   STAGING_URL=https://staging.example.com LOAD_WEBHOOK_SECRET=whsec_... LOAD_API_TOKEN=... \
#     scripts/load-gate.sh [--expect-commit] [--dry-run]
#
# --expect-commit (the gate of a build that deployed staging): staging's /health must report this
# build's commit (BUILDKITE_COMMIT, the image tag deploy.sh released) before k6 starts and again
# after it ends, so the numbers that allow promotion are always this commit's.
#
# The bundle is load/dist/k6/mastercom.js; LOAD_SCENARIO picks its profile (default: load) and
# K6_IMAGE overrides the pinned image. The secret and token are the staging service's own.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=false
expect_commit=false
for arg in "$@"; do
  case $arg in
    --dry-run) dry_run=true ;;
    --expect-commit) expect_commit=true ;;
    *) echo "usage: scripts/load-gate.sh [--expect-commit] [--dry-run]" >&2; exit 2 ;;
  esac
done

if [ -z "${STAGING_URL:-}" ]; then
  echo "load-gate: STAGING_URL is not set; it is the base URL of the staging service" >&2
  exit 1
fi
for name in LOAD_WEBHOOK_SECRET LOAD_API_TOKEN; do
  if [ -z "${!name:-}" ]; then
    echo "load-gate: $name is not set; the k6 scenarios sign deliveries and read alerts with it" >&2
    exit 1
  fi
done
if $expect_commit && [ -z "${BUILDKITE_COMMIT:-}" ]; then
  echo "load-gate: --expect-commit needs BUILDKITE_COMMIT, the commit this build deployed to staging" >&2
  exit 1
fi
scenario=${LOAD_SCENARIO:-load}
bundle=k6/mastercom.js
k6_image=${K6_IMAGE:-grafana/k6:1.2.0}

run() {
  if $dry_run; then
    printf '%q' "$1"
    printf ' %q' "${@:2}"
    echo
  else
    "$@"
  fi
}

# The k6 scripts are TypeScript bundled by the load package's build; Turbo builds it and what it
# depends on, from the cache when nothing changed.
run pnpm turbo run build --filter=@mastercom/load... --output-logs=errors-only
if ! $dry_run && [ ! -f "load/dist/$bundle" ]; then
  echo "load-gate: load/dist/$bundle does not exist after building @mastercom/load" >&2
  exit 1
fi
# The version staging's /health reports (deploy.sh sets it to the image tag, the commit).
staging_version() {
  curl --silent --show-error --fail --max-time 10 "${STAGING_URL%/}/health" |
    node -e 'let text = ""; process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
      try { process.stdout.write(String(JSON.parse(text).version ?? "")); } catch { process.exit(1); }
    });'
}

require_commit_on_staging() {
  if ! $expect_commit || $dry_run; then return 0; fi
  local served
  served=$(staging_version) || served=""
  if [ "$served" != "$BUILDKITE_COMMIT" ]; then
    echo "load-gate: $1, staging serves version '${served:-unknown}', not this build's commit $BUILDKITE_COMMIT; its numbers would not be this commit's" >&2
    exit 1
  fi
  echo "load-gate: $1, staging serves $BUILDKITE_COMMIT"
}

mkdir -p reports/load
require_commit_on_staging "before the run"
run docker run --rm \
  --volume "$PWD/load/dist:/scripts:ro" --volume "$PWD/reports/load:/reports" \
  --env "BASE_URL=$STAGING_URL" --env "LOAD_SCENARIO=$scenario" --env LOAD_REPORT_DIR=/reports \
  --env LOAD_WEBHOOK_SECRET --env LOAD_API_TOKEN \
  "$k6_image" run "/scripts/$bundle"
require_commit_on_staging "after the run"
