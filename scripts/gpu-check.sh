#!/usr/bin/env bash
# The GPU checks, in one short run on a machine with an NVIDIA GPU (ARCHITECTURE.md "Testing
# without a GPU"). Two steps:
#
#   bash scripts/gpu-check.sh prepare   # here: copies what the GPU machine lacks into .gpu-check/
#                                       # (golden and scoring fixtures, the 7 tiny models, nlohmann/json)
#   bash scripts/gpu-check.sh run       # there: builds the engine against that machine's CUDA
#                                       # PyTorch and runs the checks; results under $OUT (or
#                                       # .gpu-check/out)
#
# With the device tool: run `prepare` here, then run this script's `run` there with `.gpu-check`
# carried (about 45 MB). The GPU machine needs CMake, a C++20 compiler, nvcc and a CUDA PyTorch
# (python3 -c 'import torch'); it needs neither Node nor network access. `run` prints:
#   - build/gpu-check: every golden case on CUDA in fp32 (against the reference's tolerances),
#     fp16 and bf16 (distance to the reference reported), the same for CLIP and aesthetic
#     scores, cancellation, ERR_CUDA_OOM and
#     recovery, the cache flush (native/tools/gpu_check.cpp);
#   - unet-bench: one UNet evaluation of the full-size SD 1.5 and SDXL configs (random weights)
#     per dtype, ms per call.
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
  echo "prepared $carry ($(du -sh "$carry" | cut -f1)); on the GPU machine: bash scripts/gpu-check.sh run (carry $carry)"
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
  cmake --build build-gpu --target gpu-check unet-bench --parallel "$(nproc)" > "$out/build.log" 2>&1 || { tail -60 "$out/build.log"; exit 1; }
  echo "built in $((SECONDS - started)) s"

  local status=0
  build-gpu/Release/gpu-check --fixtures "$carry/fixtures" --device cuda --json "$out/gpu-check.json" || status=$?

  echo "== unet-bench: one UNet evaluation (batch 2 = CFG), random weights, ms per call"
  for spec in "sd15 512" "sdxl-base 1024"; do
    set -- $spec
    for dtype in fp16 bf16 fp32; do
      build-gpu/Release/unet-bench "research/data/real-configs/$1/unet" --device cuda --dtype "$dtype" \
        --width "$2" --height "$2" --iters 10 2>&1 | tail -1 || status=1
    done
  done
  return $status
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bash scripts/gpu-check.sh prepare|run" >&2; exit 2 ;;
esac
