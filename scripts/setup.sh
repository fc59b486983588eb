# Brings the pinned toolchain onto PATH and installs the workspace. Source it, do not execute it,
# so that `node` and `pnpm` stay on PATH in your shell afterwards:
#
#   source scripts/setup.sh && pnpm start
#
# A machine that already has Node >= 24 and the pinned pnpm is left alone. Otherwise Node and pnpm
# come from the npm registry (the `node` and `pnpm` packages) into a per-user cache, keyed by
# version, so a fresh clone on the same machine reuses them.

_mastercom_setup() {
  # The exact Node release installed where the machine's own Node is older than .nvmrc's major.
  local node_version=24.21.0
  local repo_root
  repo_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd) || return 1
  local pnpm_version
  pnpm_version=$(sed -n 's/.*"packageManager": *"pnpm@\([0-9.]*\)".*/\1/p' "$repo_root/package.json")
  local node_major
  node_major=$(tr -dc '0-9' <"$repo_root/.nvmrc")
  if [ -z "$pnpm_version" ] || [ -z "$node_major" ]; then
    echo "setup: cannot read the pinned pnpm (package.json packageManager) or Node (.nvmrc)" >&2
    return 1
  fi

  local toolchain="${MASTERCOM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mastercom-service/node-$node_version-pnpm-$pnpm_version}"

  local have_node_major
  have_node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$have_node_major" -ge "$node_major" ]; then
    echo "setup: node $(node --version) already on PATH"
  else
    _mastercom_install "$toolchain" "node@$node_version" node/bin/node || return 1
    PATH="$toolchain/node_modules/node/bin:$PATH"
    echo "setup: node $(node --version) from $toolchain (machine had ${have_node_major:-none})"
  fi

  if [ "$(pnpm --version 2>/dev/null)" = "$pnpm_version" ]; then
    echo "setup: pnpm $pnpm_version already on PATH"
  else
    _mastercom_install "$toolchain" "pnpm@$pnpm_version" .bin/pnpm || return 1
    PATH="$toolchain/node_modules/.bin:$PATH"
    echo "setup: pnpm $(pnpm --version) from $toolchain"
  fi
  export PATH

  # Buildkite's pre-command hook brings only the toolchain: the install runs in the step's command,
  # after the cache plugin restored the pnpm store (see .buildkite/hooks/pre-command).
  if [ "${SETUP_INSTALL:-true}" = false ]; then
    echo "setup: toolchain ready (SETUP_INSTALL=false: no install)"
    return 0
  fi
  echo "setup: pnpm install --frozen-lockfile"
  (cd "$repo_root" && pnpm install --frozen-lockfile --reporter=silent) || {
    echo "setup: pnpm install failed; run 'pnpm install --frozen-lockfile' in $repo_root to see why" >&2
    return 1
  }
  echo "setup: ready"
}

# Installs one npm package into the toolchain folder unless the file it provides is already there.
# The install goes to a scratch folder first, so an interrupted download never leaves a half toolchain.
_mastercom_install() {
  local toolchain=$1 spec=$2 provides=$3
  [ -x "$toolchain/node_modules/$provides" ] && return 0
  local scratch
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/mastercom-toolchain.XXXXXX") || return 1
  echo "setup: installing $spec from the npm registry"
  if ! npm install --prefix "$scratch" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "$spec" >"$scratch.log" 2>&1; then
    echo "setup: 'npm install $spec' failed:" >&2
    cat "$scratch.log" >&2
    rm -rf "$scratch" "$scratch.log"
    return 1
  fi
  mkdir -p "$toolchain/node_modules"
  # Move each installed package in; packages already present (shared by node and pnpm) are kept.
  local entry
  for entry in "$scratch/node_modules"/* "$scratch/node_modules"/.bin/*; do
    local name=${entry#"$scratch/node_modules/"}
    [ -e "$toolchain/node_modules/$name" ] && continue
    mkdir -p "$(dirname "$toolchain/node_modules/$name")"
    mv "$entry" "$toolchain/node_modules/$name"
  done
  rm -rf "$scratch" "$scratch.log"
  [ -x "$toolchain/node_modules/$provides" ] || {
    echo "setup: $spec installed but $provides is missing" >&2
    return 1
  }
}

_mastercom_setup
_mastercom_status=$?
unset -f _mastercom_setup _mastercom_install
return $_mastercom_status 2>/dev/null || exit $_mastercom_status
