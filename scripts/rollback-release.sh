#!/usr/bin/env bash
# The rollback pipeline's steps (.buildkite/rollback.yml).
#
#   scripts/rollback-release.sh --upload          read the input step's choice and upload the
#                                                 rollback step for that environment
#   scripts/rollback-release.sh staging|production
#
# The second form reads the revision and reason from the build's meta-data (or ROLLBACK_REVISION
# and ROLLBACK_REASON), undoes the release with scripts/rollback.sh (rollout and smoke check),
# then checks the version now running over a window: /health, its error rate and p95/p99 latency
# against the SLO, and that alerts are still being acknowledged (mastercom.webhook.persisted) and
# outcomes still sent (mastercom.outcomes.sent). No data counts as not verified. It ends with the
# status update: a Buildkite annotation and a Datadog event, whatever the outcome.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/release.sh
source "$root/scripts/lib/release.sh"

meta() {
  buildkite-agent meta-data get "$1" --default "${2:-}"
}

if [ "${1:-}" = --upload ]; then
  environment=$(meta environment)
  (cd "$root" && pnpm turbo run build --filter=@mastercom/pipeline --output-logs=errors-only)
  node "$root/packages/pipeline/dist/buildkite/rollback-step-cli.js" "$environment" |
    buildkite-agent pipeline upload
  exit 0
fi

environment=${1:-}
case $environment in
  staging | production) ;;
  *) echo "usage: scripts/rollback-release.sh --upload | staging|production" >&2; exit 2 ;;
esac
revision=${ROLLBACK_REVISION-$(meta revision)}
reason=${ROLLBACK_REASON-$(meta reason)}
if [ -z "$reason" ]; then
  echo "rollback: a reason is required (the input step's Reason, or ROLLBACK_REASON)" >&2
  exit 1
fi
if [ -n "$revision" ] && ! [[ $revision =~ ^[1-9][0-9]*$ ]]; then
  echo "rollback: the revision must be a positive number, not $revision" >&2
  exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/rollback-release.XXXXXX")
trap 'rm -f "$log"' EXIT
status=0

# Alerts still acknowledged and outcomes still sent over the window: a count of zero, or no
# points at all, means the flow cannot be shown to work, which is not "healthy".
check_flow() {
  local version=$1 seconds=$2 metric counted
  for metric in mastercom.webhook.persisted mastercom.outcomes.sent; do
    counted=$(release_datadog_query "sum:$metric{service:mastercom-service,env:$environment}.as_count()" "$seconds") || {
      echo "verify: the Datadog query for $metric failed" >&2
      return 1
    }
    if [ "${counted##* }" = none ] || [ "${counted%% *}" = 0 ]; then
      echo "verify: cannot verify $environment after the rollback: no $metric in the last ${seconds}s" >&2
      return 1
    fi
    echo "verify: $metric ${counted%% *} in the last ${seconds}s (version $version)"
  done
}

run_checks() {
  local args=("$environment") version
  if [ -n "$revision" ]; then args+=("$revision"); fi
  "$root/scripts/rollback.sh" "${args[@]}" || return 1
  version=$(curl --silent --fail --max-time 10 "$(release_service_url "$environment")/health" |
    node -e 'let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => {
      try { process.stdout.write(String(JSON.parse(t).version ?? "")); } catch { process.exit(1); }
    });') || version=""
  if [ -z "$version" ]; then
    echo "verify: /health does not say which version runs after the rollback" >&2
    return 1
  fi
  if [ -z "${DD_API_KEY:-}" ] || [ -z "${DD_APP_KEY:-}" ]; then
    echo "verify: DD_API_KEY and DD_APP_KEY are needed to check error rate, latency and the alert flow after a rollback" >&2
    return 1
  fi
  echo "rollback: $environment now runs $version"
  release_verify_window "$environment" "$version" || return 1
  local window=${VERIFY_WINDOW_SECONDS:-300}
  check_flow "$version" "$((window < 60 ? 60 : window))"
}

# The log feeds the annotation; it is printed once the checks end.
run_checks >"$log" 2>&1 || status=$?
cat "$log"

outcome=$([ "$status" = 0 ] && echo "succeeded" || echo "FAILED")
title="mastercom-service rollback in $environment $outcome"
text="Reason: $reason. Revision: ${revision:-previous}. Build: ${BUILDKITE_BUILD_URL:-local}."
if command -v buildkite-agent >/dev/null && [ "${BUILDKITE:-}" = true ]; then
  {
    echo "### $title"
    echo
    echo "$text"
    echo
    echo '```'
    tail -n 40 "$log"
    echo '```'
  } | buildkite-agent annotate --context "rollback-$environment" \
    --style "$([ "$status" = 0 ] && echo success || echo error)"
fi
if [ -n "${DD_API_KEY:-}" ]; then
  api=${DATADOG_API_URL:-https://api.${DD_SITE:-datadoghq.com}}
  node -e 'process.stdout.write(JSON.stringify({
      title: process.argv[1], text: process.argv[2], alert_type: process.argv[3],
      tags: ["service:mastercom-service", `env:${process.argv[4]}`, "event:rollback"],
    }))' "$title" "$text" "$([ "$status" = 0 ] && echo success || echo error)" "$environment" |
    curl --silent --show-error --fail --max-time 20 -X POST "${api%/}/api/v1/events" \
      --header "DD-API-KEY: $DD_API_KEY" --header 'content-type: application/json' --data-binary @- >/dev/null ||
    echo "rollback: the Datadog event could not be sent" >&2
fi
echo "rollback: $title"
exit "$status"
