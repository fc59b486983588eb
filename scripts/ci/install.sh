#!/usr/bin/env bash
# The first command of every cached step: installs the workspace from the lockfile into the pnpm
# store the cache plugin has just restored. It cannot run in the repository's pre-command hook:
# Buildkite runs a job's pre-command hooks agent first, then the repository's, then the plugins'
# (https://buildkite.com/docs/agent/hooks, "Job lifecycle hooks"), and the cache plugin restores
# in its pre-command hook (buildkite-plugins/cache-buildkite-plugin v1.7.0, hooks/pre-command), so
# an install there would always find the store empty. Commands run after every hook.
set -euo pipefail
cd "$(dirname "$0")/../.."
store=$(pnpm store path)
if [ -d "$store" ]; then
  echo "install: pnpm store at $store ($(du -sh "$store" | cut -f1) present)"
else
  echo "install: no pnpm store at $store yet; this install downloads every package"
fi
pnpm install --frozen-lockfile --prefer-offline --reporter=silent
echo "install: done"
