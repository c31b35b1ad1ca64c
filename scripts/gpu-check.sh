#!/usr/bin/env bash
# The GPU checks, in one short run on a machine with an NVIDIA GPU (ARCHITECTURE.md "Testing
# without a GPU"). Two steps:
#
#   bash scripts/gpu-check.sh prepare   # here: copies what the GPU machine lacks into .gpu-check/
#                                       # (golden and scoring fixtures, the 7 tiny models,
#                                       # nlohmann/json, the CLIP vocabulary, diffusers' source)
#   bash scripts/gpu-check.sh run       # there: builds the engine against that machine's CUDA
#                                       # PyTorch and runs the checks; results under $OUT (or
#                                       # .gpu-check/out)
#
# With the device tool: run `prepare` here, then run this script's `run` there with `.gpu-check`
# carried (about 52 MB). The GPU machine needs CMake, a C++20 compiler, nvcc, a CUDA PyTorch with
# transformers (python3 -c 'import torch, transformers'); it needs neither Node nor network access.
#
# diffusers is not installed there: `prepare` packs the source of a diffusers release that imports
# with that machine's huggingface_hub/transformers (0.36 or later for huggingface_hub 1.x) into the
# carry folder. It takes PPBENCH_DIFFUSERS_SRC (a diffusers checkout, or its src/diffusers folder;
# PPBENCH_DIFFUSERS_REV names its commit in the results), else clones
# https://github.com/huggingface/diffusers at PPBENCH_DIFFUSERS_REF (default: the default branch)
# into a scratch folder. The repository never holds diffusers code.
#
# `run` prints and writes as JSON under $OUT:
#   - build/gpu-check (gpu-check.json): every golden case on CUDA in fp32 (against the reference's
#     tolerances), fp16 and bf16 (against the engine's own fp32, fixtures README), CUDA-graph replay
#     against eager, CLIP/aesthetic/PickScore per dtype, the SDPA kernel per head dim,
#     cancellation, ERR_CUDA_OOM and recovery, the cache flush (native/tools/gpu_check.cpp);
#   - the side-by-side against diffusers (side-by-side.json, scripts/gpu/side_by_side.py): random
#     real-size SD 1.5 / SDXL base / SDXL-Turbo folders, ours eager / graphs / graphs on NCHW vs
#     diffusers fp16 SDPA: end-to-end and per-step ms, peak memory, load time, ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
carry=.gpu-check

prepare() {
  local shared="${PPBENCH_SHARED_DIR:-$(cd .. && pwd)/shared}"
  [ -d "$shared/fixtures/golden" ] || { echo "no fixtures under $shared: set PPBENCH_SHARED_DIR" >&2; exit 1; }
  local json_header
  json_header=$(echo '#include <nlohmann/json.hpp>' | g++ -x c++ -E -M - 2>/dev/null | tr ' \\' '\n\n' | grep -m1 'nlohmann/json.hpp$' || true)
  [ -n "$json_header" ] || { echo "nlohmann/json.hpp not found (apt-get install nlohmann-json3-dev)" >&2; exit 1; }
  rm -rf "$carry"
  mkdir -p "$carry/fixtures" "$carry/include"
  cp -r "$shared/fixtures/golden" "$shared/fixtures/scoring" "$carry/fixtures/"
  for m in sd15 sd21 sd-turbo sdxl sdxl-turbo ssd1b playground25; do cp -r "$shared/fixtures/$m-tiny" "$carry/fixtures/"; done
  cp -r "$(dirname "$json_header")" "$carry/include/"
  mkdir -p "$carry/tokenizer"
  cp "$shared/spec/configs/clip-vit-l14/vocab.json" "$shared/spec/configs/clip-vit-l14/merges.txt" "$carry/tokenizer/"
  pack_diffusers
  echo "prepared $carry ($(du -sh "$carry" | cut -f1)); on the GPU machine: bash scripts/gpu-check.sh run (carry $carry)"
}

# diffusers' src/diffusers as $carry/diffusers.tar.gz, and what it is in $carry/diffusers.txt.
pack_diffusers() {
  local src="${PPBENCH_DIFFUSERS_SRC:-}" rev="${PPBENCH_DIFFUSERS_REV:-}" scratch=""
  if [ -z "$src" ]; then
    scratch=$(mktemp -d)
    local ref=()
    [ -n "${PPBENCH_DIFFUSERS_REF:-}" ] && ref=(--branch "$PPBENCH_DIFFUSERS_REF")
    git clone -q --depth 1 "${ref[@]}" https://github.com/huggingface/diffusers "$scratch/diffusers" ||
      { echo "cannot clone diffusers: set PPBENCH_DIFFUSERS_SRC to a diffusers checkout" >&2; exit 1; }
    src="$scratch/diffusers"
    rev=$(git -C "$src" rev-parse HEAD)
  fi
  [ -d "$src/src/diffusers" ] && src="$src/src/diffusers"
  [ -f "$src/__init__.py" ] || { echo "$src is not diffusers' source (no __init__.py)" >&2; exit 1; }
  tar -czf "$carry/diffusers.tar.gz" -C "$(dirname "$src")" --exclude=__pycache__ diffusers
  local version
  version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$src/__init__.py")
  echo "diffusers $version ${rev:-(revision not given)}" | tee "$carry/diffusers.txt"
  [ -n "$scratch" ] && rm -rf "$scratch"
  return 0
}

run() {
  local out="${OUT:-$carry/out}"
  mkdir -p "$out"
  [ -d "$carry/fixtures" ] || { echo "$carry/fixtures missing: run 'bash scripts/gpu-check.sh prepare' first and carry $carry" >&2; exit 1; }
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader | tee "$out/gpu.txt"
  local torch_dir arch nvcc_root nvrtc
  torch_dir=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "share", "cmake", "Torch"))')
  arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1)
  nvcc_root=$(dirname "$(dirname "$(command -v nvcc)")")
  nvrtc=$(python3 - <<'PY'
import glob, os, site
for d in site.getsitepackages():
    hits = sorted(glob.glob(os.path.join(d, "nvidia", "**", "libnvrtc.so*"), recursive=True))
    if hits:
        print(hits[0]); break
PY
)
  local generator="Unix Makefiles"
  command -v ninja > /dev/null && generator=Ninja
  local cmake_args=(-S . -B build-gpu -G "$generator" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$torch_dir"
    -DTORCH_CUDA_ARCH_LIST="$arch" -DCUDA_TOOLKIT_ROOT_DIR="$nvcc_root"
    -DPPBENCH_NLOHMANN_INCLUDE="$PWD/$carry/include")
  [ -n "$nvrtc" ] && cmake_args+=(-DCUDA_nvrtc_LIBRARY="$nvrtc")
  local started=$SECONDS
  cmake "${cmake_args[@]}" > "$out/cmake.log" 2>&1 || { tail -40 "$out/cmake.log"; exit 1; }
  grep -m1 'libtorch' "$out/cmake.log" || true
  cmake --build build-gpu --target gpu-check pipeline-bench --parallel "$(nproc)" > "$out/build.log" 2>&1 || { tail -60 "$out/build.log"; exit 1; }
  echo "built in $((SECONDS - started)) s"

  local status=0
  build-gpu/Release/gpu-check --fixtures "$carry/fixtures" --device cuda --json "$out/gpu-check.json" || status=$?

  echo "== side by side with diffusers ($(cat "$carry/diffusers.txt" 2>/dev/null)), fp16, random real-size weights"
  local site="${TMPDIR:-/tmp}/ppbench-diffusers-src"
  rm -rf "$site" && mkdir -p "$site" && tar -xzf "$carry/diffusers.tar.gz" -C "$site"
  PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 python3 scripts/gpu/side_by_side.py \
    --bench build-gpu/Release/pipeline-bench --configs research/data/real-configs --vocab "$carry/tokenizer" \
    --work "${TMPDIR:-/tmp}/ppbench-side-by-side" --out "$out/side-by-side.json" \
    --images "${PPBENCH_SIDE_BY_SIDE_IMAGES:-3}" ${PPBENCH_SIDE_BY_SIDE_CASES:+--cases "$PPBENCH_SIDE_BY_SIDE_CASES"} || status=1
  return $status
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bash scripts/gpu-check.sh prepare|run" >&2; exit 2 ;;
esac
