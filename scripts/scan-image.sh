#!/usr/bin/env bash
# Scans the image this build pushed for vulnerabilities in its OS packages and libraries with
# Trivy, and fails on a CRITICAL one that has a fix (packages/pipeline/src/security/image-scan.ts).
# The report is reports/security/trivy-image.json.
#
#   IMAGE_REGISTRY=registry.example.com/payments scripts/scan-image.sh [IMAGE]
#
# The image is IMAGE, else IMAGE_REGISTRY/mastercom-service:BUILDKITE_COMMIT. Trivy must be on the
# docker queue's agents; without it the step fails, it never passes unscanned.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${1:-}
if [ -z "$image" ]; then
  if [ -z "${IMAGE_REGISTRY:-}" ]; then
    echo "scan-image: name the image, or set IMAGE_REGISTRY" >&2
    exit 1
  fi
  image="$IMAGE_REGISTRY/mastercom-service:${BUILDKITE_COMMIT:-$(git rev-parse HEAD)}"
fi
if ! command -v trivy >/dev/null; then
  echo "scan-image: trivy is not installed on this agent; the image cannot be scanned, so it is not passed" >&2
  exit 1
fi
mkdir -p reports/security
report=reports/security/trivy-image.json
trivy image --scanners vuln --format json --output "$report" "$image"
pnpm turbo run build --filter=@mastercom/pipeline --output-logs=errors-only
node packages/pipeline/dist/security/image-scan-cli.js "$report"
