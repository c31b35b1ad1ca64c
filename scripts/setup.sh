#!/usr/bin/env bash
# Idempotent project setup, shared by `npm run bench` and `npm test`.
# Each step is skipped when its inputs did not change, so a warm run takes seconds.
#   PPBENCH_TORCH_SPEC       pip requirement for libtorch (default torch==2.13.0+cpu)
#   PPBENCH_TORCH_INDEX_URL  extra pip index for that wheel (e.g. PyTorch's CPU or CUDA index)
#   PPBENCH_SKIP_APT=1       never try apt-get (report missing packages and stop instead)
# Arguments: the steps to run (system torch node native ts); none = all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/stamps.sh

log() { printf '[setup] %s\n' "$*" >&2; }

ensure_system_packages() {
  local missing=()
  command -v cmake >/dev/null || missing+=(cmake)
  command -v g++ >/dev/null || missing+=(g++)
  command -v make >/dev/null || missing+=(make)
  command -v ccache >/dev/null || missing+=(ccache)
  command -v git >/dev/null || missing+=(git)
  command -v python3 >/dev/null || missing+=(python3)
  command -v ninja >/dev/null || missing+=(ninja-build)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  [ -f /usr/include/nlohmann/json.hpp ] || missing+=(nlohmann-json3-dev)
  [ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
  if command -v python3 >/dev/null && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    missing+=(python3-venv)
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  local cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" != 0 ] || [ "${PPBENCH_SKIP_APT:-0}" = 1 ]; then
    log "missing system packages: ${missing[*]}"
    log "install them first (as root): $cmd"
    exit 1
  fi
  log "installing system packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive bash -c "$cmd" >&2
}

ensure_torch_venv() {
  local spec="${PPBENCH_TORCH_SPEC:-torch==2.13.0+cpu}"
  local key="$spec ${PPBENCH_TORCH_INDEX_URL:-}"
  if [ -x .venv/bin/python ] && stamp_matches .venv/.ppbench-torch "$key"; then return 0; fi
  log "installing libtorch ($spec) into .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  local args=(install --retries 0 --disable-pip-version-check -q "$spec")
  [ -n "${PPBENCH_TORCH_INDEX_URL:-}" ] && args+=(--extra-index-url "$PPBENCH_TORCH_INDEX_URL")
  .venv/bin/pip "${args[@]}" >&2
  stamp_write .venv/.ppbench-torch "$key"
}

ensure_node_modules() {
  local key
  key=$(hash_files package-lock.json)
  if [ -d node_modules ] && stamp_matches node_modules/.ppbench-lock "$key"; then return 0; fi
  log "npm ci"
  npm ci --no-audit --no-fund >&2
  stamp_write node_modules/.ppbench-lock "$key"
}

ensure_native_build() {
  local key
  key=$(hash_tree CMakeLists.txt native cmake .venv/.ppbench-torch)
  if [ -f build/Release/ppdiffusion.node ] && stamp_matches build/.ppbench-native "$key"; then return 0; fi
  log "building the native addon (ccache; first build takes a few minutes)"
  bash scripts/build-native.sh >&2
  stamp_write build/.ppbench-native "$key"
}

ensure_typescript_build() {
  local key
  key=$(hash_tree src tsconfig.json package.json)
  if [ -f dist/cli/main.js ] && stamp_matches dist/.ppbench-ts "$key"; then return 0; fi
  log "compiling TypeScript"
  rm -rf dist
  npx tsc -p tsconfig.json >&2
  chmod +x dist/cli/main.js
  stamp_write dist/.ppbench-ts "$key"
}

# Steps to run: all by default; named ones only (e.g. `setup.sh system torch node`, the
# Dockerfile's dependency layer, which must not depend on the sources).
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(system torch node native ts)
for step in "${steps[@]}"; do
  case "$step" in
    system) ensure_system_packages ;;
    torch) ensure_torch_venv ;;
    node) ensure_node_modules ;;
    native) ensure_native_build ;;
    ts) ensure_typescript_build ;;
    *) log "unknown step \"$step\" (steps: system torch node native ts)"; exit 2 ;;
  esac
done
