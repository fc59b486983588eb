# Shared by scripts/deploy.sh, scripts/smoke.sh and scripts/rollback.sh: which Deployments an
# overlay creates, the smoke check, the post-deploy verification window and the rollback with its
# validation. Sourced, never run; the caller sets `set -euo pipefail` and `root`.
#
# Variables read here:
#   SERVICE_URL (or STAGING_URL / PRODUCTION_URL)  base URL of the internal ingress host
#   SMOKE_API_TOKEN or SMOKE_API_TOKEN_FILE        a bearer token of the alert API, for one read
#   SMOKE_TIMEOUT                                  seconds per request (default 10)
#   VERIFY_WINDOW_SECONDS, VERIFY_INTERVAL_SECONDS how long and how often to watch (300, 30)
#   DD_API_KEY, DD_APP_KEY                         with both, error rate and latency come from Datadog
#   DATADOG_API_URL or DD_SITE                     the Datadog API (default https://api.datadoghq.com)
#   SLO_MODULE                                     the built SLO module (contracts/dist/slo.js)

# Prints the Deployments in a rendered manifest file as namespace/name, one a line, read from
# kustomize's normalised output (top-level keys at column 0, metadata's fields indented by two).
release_list_deployments() {
  awk '
    /^---/ { flush(); next }
    /^[a-zA-Z]/ { section = $1 }
    /^kind: / { kind = $2 }
    section == "metadata:" && /^  name: / { name = $2 }
    section == "metadata:" && /^  namespace: / { namespace = $2 }
    function flush() { if (kind == "Deployment") print (namespace == "" ? "default" : namespace) "/" name; kind = ""; name = ""; namespace = ""; section = "" }
    END { flush() }
  ' "$1"
}

# The base URL the checks talk to: SERVICE_URL, else STAGING_URL or PRODUCTION_URL by environment.
release_service_url() {
  local environment=$1 variable
  variable="$(printf '%s' "$environment" | tr '[:lower:]' '[:upper:]')_URL"
  local url=${SERVICE_URL:-${!variable:-}}
  printf '%s' "${url%/}"
}

release_api_token() {
  if [ -n "${SMOKE_API_TOKEN:-}" ]; then
    printf '%s' "$SMOKE_API_TOKEN"
  elif [ -n "${SMOKE_API_TOKEN_FILE:-}" ] && [ -r "$SMOKE_API_TOKEN_FILE" ]; then
    tr -d '\r\n' <"$SMOKE_API_TOKEN_FILE"
  fi
}

# Fails with a clear message when the checks cannot run: a deploy that cannot be verified must not
# start, because it could not be rolled back on evidence either.
release_require_checks() {
  local environment=$1
  if [ -z "$(release_service_url "$environment")" ]; then
    echo "release: set SERVICE_URL (or $(printf '%s' "$environment" | tr '[:lower:]' '[:upper:]')_URL) to the internal URL of $environment; the smoke check needs it" >&2
    return 1
  fi
  if [ -z "$(release_api_token)" ]; then
    echo "release: set SMOKE_API_TOKEN or SMOKE_API_TOKEN_FILE (a bearer token of the alert API) for the smoke check's read of /api/v6/alerts" >&2
    return 1
  fi
}

# One GET; prints the status code (000 when nothing answered).
release_http_status() {
  local url=$1 token=${2:-}
  local args=(--silent --output /dev/null --write-out '%{http_code}' --max-time "${SMOKE_TIMEOUT:-10}")
  if [ -n "$token" ]; then args+=(--header "authorization: Bearer $token"); fi
  curl "${args[@]}" "$url" || true
}

# The smoke check: the three health endpoints, the agents' desk page (served by the web role
# through the internal Ingress), and one read of the alert API. Only GET requests, so it creates
# nothing in any environment, production included.
release_smoke() {
  local environment=$1 url token status failed=0
  url=$(release_service_url "$environment")
  token=$(release_api_token)
  for path in /__ops/ping /health /api/v6/webhooks/ethoca/health /desk; do
    status=$(release_http_status "$url$path")
    if [ "$status" = 200 ]; then
      echo "smoke: GET $path -> $status"
    else
      echo "smoke: GET $path -> $status (expected 200)" >&2
      failed=1
    fi
  done
  status=$(release_http_status "$url/api/v6/alerts?limit=1" "$token")
  if [ "$status" = 200 ]; then
    echo "smoke: GET /api/v6/alerts?limit=1 -> $status"
  else
    echo "smoke: GET /api/v6/alerts?limit=1 -> $status (expected 200)" >&2
    failed=1
  fi
  return "$failed"
}

release_print_smoke_plan() {
  local url
  url=$(release_service_url "$1")
  for path in /__ops/ping /health /api/v6/webhooks/ethoca/health /desk; do
    echo "GET ${url:-\$SERVICE_URL}$path (expect 200)"
  done
  echo "GET ${url:-\$SERVICE_URL}/api/v6/alerts?limit=1 with the smoke token (expect 200)"
}

# The thresholds the verification window holds a release to, from the SLO module in
# @mastercom/contracts: error-rate ceiling, p95 and p99 acknowledgement latency in ms.
release_slo_thresholds() {
  local module=${SLO_MODULE:-$root/contracts/dist/slo.js}
  if [ ! -f "$module" ]; then
    echo "release: $module does not exist; build it with pnpm turbo run build --filter=@mastercom/contracts" >&2
    return 1
  fi
  node --input-type=module -e '
    const slo = await import(process.argv[1]);
    console.log(slo.ERROR_RATE_CEILING, slo.ACK_LATENCY_MS.p95, slo.ACK_LATENCY_MS.p99);
  ' "$module"
}

# Runs one Datadog metrics query over the last `seconds` and prints the sum and the maximum of its
# points ("SUM MAX"; "0 none" when there are none). Fails when Datadog does not answer with data.
release_datadog_query() {
  local query=$1 seconds=$2 now response
  local api=${DATADOG_API_URL:-https://api.${DD_SITE:-datadoghq.com}}
  now=$(date +%s)
  response=$(curl --silent --show-error --fail --max-time 20 --get "${api%/}/api/v1/query" \
    --header "DD-API-KEY: $DD_API_KEY" --header "DD-APPLICATION-KEY: $DD_APP_KEY" \
    --data-urlencode "from=$((now - seconds))" --data-urlencode "to=$now" \
    --data-urlencode "query=$query") || return 1
  printf '%s' "$response" | node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
      const body = JSON.parse(text);
      if (body.status !== "ok") process.exit(1);
      const values = (body.series ?? []).flatMap((s) => s.pointlist.map((p) => p[1])).filter((v) => typeof v === "number");
      console.log(values.reduce((a, b) => a + b, 0), values.length === 0 ? "none" : Math.max(...values));
    });
  '
}

# Error rate and latency of this version in Datadog over the window so far; fails on a breach or
# when Datadog cannot be read (a release that cannot be judged is not judged good). Datadog answers
# a query without points when nothing was recorded (no traces, a tracer that never started, the
# wrong tags): that is "cannot verify", never zero errors. Early in the window the data may still
# be on its way; on the final check (FINAL=true) missing data fails the verification.
release_check_datadog() {
  local environment=$1 version=$2 seconds=$3 final=${4:-true} thresholds ceiling p95 p99 errors hits latency
  thresholds=$(release_slo_thresholds) || return 1
  read -r ceiling p95 p99 <<<"$thresholds"
  local scope="service:mastercom-service,env:$environment,version:$version"
  local missing=()
  errors=$(release_datadog_query "sum:trace.express.request.errors{$scope}.as_count()" "$seconds") || {
    echo "verify: the Datadog metrics query for errors failed" >&2
    return 1
  }
  hits=$(release_datadog_query "sum:trace.express.request.hits{$scope}.as_count()" "$seconds") || {
    echo "verify: the Datadog metrics query for requests failed" >&2
    return 1
  }
  local breach=0
  if [ "${hits##* }" = none ] || [ "${hits%% *}" = 0 ]; then
    # No request traced: the error rate of this version is unknown, not zero.
    missing+=("trace.express.request.hits")
  elif ! node -e '
    const [errors, hits, ceiling] = process.argv.slice(1).map(Number);
    const rate = errors / hits;
    console.log(`verify: error rate ${rate.toFixed(5)} (${errors}/${hits}), ceiling ${ceiling}`);
    process.exit(rate > ceiling ? 1 : 0);
  ' "${errors%% *}" "${hits%% *}" "$ceiling"; then
    echo "verify: error rate above the SLO ceiling $ceiling" >&2
    breach=1
  fi
  for percentile in 95:"$p95" 99:"$p99"; do
    latency=$(release_datadog_query "max:mastercom.webhook.ack_latency.${percentile%%:*}percentile{$scope}" "$seconds") || {
      echo "verify: the Datadog metrics query for p${percentile%%:*} latency failed" >&2
      return 1
    }
    latency=${latency##* }
    if [ "$latency" = none ]; then
      missing+=("mastercom.webhook.ack_latency.${percentile%%:*}percentile")
    elif node -e 'process.exit(Number(process.argv[1]) > Number(process.argv[2]) ? 0 : 1)' "$latency" "${percentile#*:}"; then
      echo "verify: p${percentile%%:*} acknowledgement latency ${latency} ms above the SLO ${percentile#*:} ms" >&2
      breach=1
    else
      echo "verify: p${percentile%%:*} acknowledgement latency ${latency} ms (SLO ${percentile#*:} ms)"
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$final" = true ]; then
      echo "verify: cannot verify version $version in $environment: Datadog has no data for ${missing[*]} ($scope); a release that cannot be judged is not judged good" >&2
      return 1
    fi
    echo "verify: no data yet for ${missing[*]}"
  fi
  return "$breach"
}

# Watches a new release for VERIFY_WINDOW_SECONDS: /health every VERIFY_INTERVAL_SECONDS and, with
# Datadog keys, the release's error rate and latency against the SLO module.
release_verify_window() {
  local environment=$1 version=$2
  local window=${VERIFY_WINDOW_SECONDS:-300} interval=${VERIFY_INTERVAL_SECONDS:-30}
  local url started elapsed status
  url=$(release_service_url "$environment")
  started=$(date +%s)
  if [ -z "${DD_API_KEY:-}" ] || [ -z "${DD_APP_KEY:-}" ]; then
    echo "verify: DD_API_KEY and DD_APP_KEY are not both set; watching /health only"
  fi
  while :; do
    status=$(release_http_status "$url/health")
    if [ "$status" != 200 ]; then
      echo "verify: GET /health -> $status during the verification window" >&2
      return 1
    fi
    elapsed=$(($(date +%s) - started))
    if [ -n "${DD_API_KEY:-}" ] && [ -n "${DD_APP_KEY:-}" ]; then
      # Datadog's smallest useful window is a minute; a shorter one reads empty.
      local final=false
      if [ "$elapsed" -ge "$window" ]; then final=true; fi
      release_check_datadog "$environment" "$version" "$((elapsed < 60 ? 60 : elapsed))" "$final" || return 1
    fi
    if [ "$elapsed" -ge "$window" ]; then break; fi
    sleep "$interval"
  done
  echo "verify: $environment healthy for ${window}s"
}

# Undoes every Deployment (to REVISION when given) and checks that what runs afterwards is healthy.
# Returns 0 when the previous version is healthy, 1 when it is not.
release_undo_and_validate() {
  local environment=$1 timeout=$2 revision=${3:-} deployments=("${@:4}") deployment healthy=0
  for deployment in "${deployments[@]}"; do
    if [ -n "$revision" ]; then
      kubectl rollout undo "deployment/${deployment#*/}" --namespace "${deployment%%/*}" --to-revision "$revision"
    else
      kubectl rollout undo "deployment/${deployment#*/}" --namespace "${deployment%%/*}"
    fi
  done
  for deployment in "${deployments[@]}"; do
    if ! kubectl rollout status "deployment/${deployment#*/}" --namespace "${deployment%%/*}" --timeout "$timeout"; then
      echo "rollback: $deployment did not become ready after the undo" >&2
      healthy=1
    fi
  done
  if [ "$healthy" = 0 ] && release_smoke "$environment"; then
    echo "rollback: $environment runs the previous version and it passes the smoke check"
    return 0
  fi
  echo "rollback: the version $environment runs after the undo is NOT healthy; act now" >&2
  return 1
}
