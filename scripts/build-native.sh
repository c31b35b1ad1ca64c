#!/usr/bin/env bash
# Builds build/Release/ppdiffusion.node (and the engine's C++ test and CLI binaries) with cmake-js.
# Finds libtorch as CMakeLists.txt documents; compiler calls go through ccache.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ppbench-ccache}"
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
jobs="${PPBENCH_BUILD_JOBS:-$(nproc)}"
args=(build --out build --parallel "$jobs" --CDCMAKE_BUILD_TYPE=Release)
[ -n "${Torch_DIR:-}" ] && args+=("--CDTorch_DIR=$Torch_DIR")
[ -n "${PPBENCH_CMAKE_ARGS:-}" ] && for a in $PPBENCH_CMAKE_ARGS; do args+=("--C${a#-}"); done
npx cmake-js "${args[@]}"
