#!/usr/bin/env bash
# Smoke check of a running environment: GET /__ops/ping, /health,
# /api/v6/webhooks/ethoca/health and /desk, and one read of the alert API with a bearer token.
# It sends only GET requests, so it creates no data anywhere, production included.
#
#   scripts/smoke.sh staging|production [--dry-run]
#
# SERVICE_URL (or STAGING_URL / PRODUCTION_URL) is the internal ingress URL; SMOKE_API_TOKEN or
# SMOKE_API_TOKEN_FILE the token. --dry-run prints the requests without sending them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/release.sh
source "$root/scripts/lib/release.sh"

usage() {
  echo "usage: scripts/smoke.sh staging|production [--dry-run]" >&2
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

if $dry_run; then
  echo "smoke: dry run for $environment"
  release_print_smoke_plan "$environment"
  exit 0
fi
release_require_checks "$environment" || exit 1
if release_smoke "$environment"; then
  echo "smoke: $environment passed"
else
  echo "smoke: $environment FAILED" >&2
  exit 1
fi
