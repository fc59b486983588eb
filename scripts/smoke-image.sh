#!/usr/bin/env bash
# Smoke test of a built release image before it is pushed: runs it as it ships against PostgreSQL
# and the test kit's mock Ethoca, PSP and Mastercom, and checks /health, one alert's round trip to
# an outcome at Ethoca, no card number in its log and a clean stop
# (packages/container-tests/src/smoke/image-smoke.ts). The pipeline's image step and the container
# stage of `pnpm test` both run it.
#
#   scripts/smoke-image.sh IMAGE
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ]; then
  echo "usage: scripts/smoke-image.sh IMAGE" >&2
  exit 2
fi
pnpm turbo run build --filter=@mastercom/testkit... --output-logs=errors-only
exec pnpm --filter @mastercom/container-tests exec tsx src/smoke/image-smoke-cli.ts "$1"
