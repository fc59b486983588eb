#!/usr/bin/env bash
# The k6 load gate: runs the bundled scenario of @mastercom/load in the grafana/k6 image against
# staging, then judges the server-side SLO from the service's own metrics in Datadog. Either
# failing fails the step.
#
#   STAGING_URL=https://mastercom.staging.example STAGING_WEBHOOK_URL=https://ethoca-webhook.staging.example \
#   LOAD_CLIENT_CERT_FILE=... LOAD_CLIENT_KEY_FILE=... LOAD_API_TOKEN=... \
#   DD_API_KEY=... DD_APP_KEY=... scripts/load-gate.sh [--expect-commit] [--dry-run]
#
# Deliveries go to STAGING_WEBHOOK_URL (default STAGING_URL) the way Ethoca's do, with the
# load-test client certificate staging alone accepts (docs/decisions/0001); LOAD_WEBHOOK_SECRET
# (Standard Webhooks) may be given as well or instead. Reads and health go to STAGING_URL with
# LOAD_API_TOKEN. LOAD_SCENARIO picks the profile (default: load); K6_IMAGE overrides the image.
#
# --expect-commit (the gate of a build that deployed staging): staging's /health must report this
# build's commit (BUILDKITE_COMMIT, the image tag deploy.sh released) before k6 starts and again
# after it ends, so the numbers that allow promotion are always this commit's; and the server-side
# SLO must be judged (DD_API_KEY and DD_APP_KEY), never skipped.
#
# In Buildkite the reports are uploaded as artifacts and the summary table becomes an annotation,
# whether k6 passed or not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/release.sh
source "$root/scripts/lib/release.sh"

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
webhook_url=${STAGING_WEBHOOK_URL:-$STAGING_URL}
if [ -z "${LOAD_API_TOKEN:-}" ]; then
  echo "load-gate: LOAD_API_TOKEN is not set; the k6 scenarios read alerts with it" >&2
  exit 1
fi
cert=${LOAD_CLIENT_CERT_FILE:-}
key=${LOAD_CLIENT_KEY_FILE:-}
if [ -n "$cert$key" ] && { [ ! -r "$cert" ] || [ ! -r "$key" ]; }; then
  echo "load-gate: LOAD_CLIENT_CERT_FILE and LOAD_CLIENT_KEY_FILE must both name readable files" >&2
  exit 1
fi
if [ -z "$cert" ] && [ -z "${LOAD_WEBHOOK_SECRET:-}" ]; then
  echo "load-gate: set LOAD_CLIENT_CERT_FILE and LOAD_CLIENT_KEY_FILE (the load-test client certificate) or LOAD_WEBHOOK_SECRET; the webhook takes no unauthenticated delivery" >&2
  exit 1
fi
if $expect_commit && [ -z "${BUILDKITE_COMMIT:-}" ]; then
  echo "load-gate: --expect-commit needs BUILDKITE_COMMIT, the commit this build deployed to staging" >&2
  exit 1
fi
if $expect_commit && ! $dry_run && { [ -z "${DD_API_KEY:-}" ] || [ -z "${DD_APP_KEY:-}" ]; }; then
  echo "load-gate: the gate judges the server-side SLO from Datadog; DD_API_KEY and DD_APP_KEY must be set" >&2
  exit 1
fi
scenario=${LOAD_SCENARIO:-load}
bundle=k6/mastercom.js
k6_image=${K6_IMAGE:-grafana/k6:1.2.0}
reports=reports/load

run() {
  if $dry_run; then
    printf '%q' "$1"
    printf ' %q' "${@:2}"
    echo
  else
    "$@"
  fi
}

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

in_buildkite() {
  [ "${BUILDKITE:-}" = true ] && command -v buildkite-agent >/dev/null
}

# The k6 scripts are TypeScript bundled by the load package's build; Turbo builds it and what it
# depends on, from the cache when nothing changed.
run pnpm turbo run build --filter=@mastercom/load... --output-logs=errors-only
if ! $dry_run && [ ! -f "load/dist/$bundle" ]; then
  echo "load-gate: load/dist/$bundle does not exist after building @mastercom/load" >&2
  exit 1
fi
mkdir -p "$reports"
require_commit_on_staging "before the run"

# The k6 image runs as its own user; running it as this agent's user keeps the bind-mounted
# report folder writable without opening it to everyone.
docker_args=(--rm --user "$(id -u):$(id -g)"
  --volume "$PWD/load/dist:/scripts:ro" --volume "$PWD/$reports:/reports"
  --env "BASE_URL=$STAGING_URL" --env "WEBHOOK_URL=$webhook_url" --env "LOAD_SCENARIO=$scenario"
  --env LOAD_REPORT_DIR=/reports --env LOAD_API_TOKEN --env LOAD_WEBHOOK_SECRET)
if [ -n "$cert" ]; then
  docker_args+=(--volume "$(realpath "$cert"):/certs/client.crt:ro" --volume "$(realpath "$key"):/certs/client.key:ro"
    --env LOAD_CLIENT_CERT_FILE=/certs/client.crt --env LOAD_CLIENT_KEY_FILE=/certs/client.key)
fi
started=$(date +%s)
k6_status=0
run docker run "${docker_args[@]}" "$k6_image" run "/scripts/$bundle" || k6_status=$?
seconds=$(($(date +%s) - started))
if $dry_run; then exit 0; fi

# The server-side SLO over the run, from the service's own metrics (error rate of traced requests,
# p95/p99 acknowledgement latency): what the SLO states, as opposed to k6's client-side times.
server_status=0
server_report=$reports/server-side-slo-$scenario.txt
if [ -n "${DD_API_KEY:-}" ] && [ -n "${DD_APP_KEY:-}" ]; then
  version=${BUILDKITE_COMMIT:-}
  if ! $expect_commit; then version=$(staging_version) || version=unknown; fi
  release_check_datadog staging "$version" "$((seconds < 60 ? 60 : seconds))" true >"$server_report" 2>&1 ||
    server_status=$?
else
  echo "skipped: DD_API_KEY and DD_APP_KEY are not set, so the server-side SLO was not read" >"$server_report"
fi
cat "$server_report"

if in_buildkite; then
  buildkite-agent artifact upload "$reports/**/*"
  summary=$reports/k6-$scenario-summary.md
  {
    if [ -f "$summary" ]; then cat "$summary"; else echo "### k6 $scenario: no summary (k6 exited $k6_status before writing one)"; fi
    echo
    echo "Server-side SLO (Datadog, the service's own metrics):"
    echo
    echo '```'
    cat "$server_report"
    echo '```'
  } | buildkite-agent annotate --context "k6-$scenario" \
    --style "$([ "$k6_status$server_status" = 00 ] && echo success || echo error)"
fi

if [ "$k6_status" != 0 ]; then
  echo "load-gate: k6 exited $k6_status: a client-side threshold failed or the run broke off" >&2
  exit 1
fi
if [ "$server_status" != 0 ]; then
  echo "load-gate: the server-side SLO was not met, or could not be verified" >&2
  exit 1
fi
require_commit_on_staging "after the run"
