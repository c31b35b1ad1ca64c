#!/usr/bin/env bash
# Compile-checks the CUDA build on a machine without a GPU (`npm run check:cuda`): every CUDA-only
# line (native/engine/**/*_cuda.cpp and the PPBENCH_WITH_CUDA branches) is built against the CUDA
# PyTorch wheel, so none of it rots unseen between device runs. Not part of `npm test` (slow: a
# cold build is 15+ minutes on 2 cores); run it after changing native/engine/device, the pipeline
# loop, the loader or CMake.
#
#   1. a separate git-ignored venv (.venv-cuda) with the CUDA PyTorch wheel
#      (PPBENCH_CUDA_TORCH_SPEC, default torch==2.14.1, from the configured pip index; its
#      nvidia-* library wheels installed beside it);
#   2. CMake pointed at that libtorch and at nvcc (PPBENCH_NVCC, else `nvcc` on the PATH, else
#      /usr/local/cuda*/bin/nvcc), TORCH_CUDA_ARCH_LIST=9.0 (Hopper; PPBENCH_CUDA_ARCH);
#   3. builds the addon, gpu-check, unet-bench and pipeline-bench into build-cuda/ (git-ignored), and fails unless
#      CMake reports CUDA: ON and every *_cuda.cpp source was compiled.
# Log: build-cuda/check-cuda.log. PPBENCH_BUILD_JOBS limits the parallel compile jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-cuda
out=build-cuda
spec="${PPBENCH_CUDA_TORCH_SPEC:-torch==2.14.1}"
arch="${PPBENCH_CUDA_ARCH:-9.0}"
jobs="${PPBENCH_BUILD_JOBS:-$(nproc)}"
log() { echo "check:cuda: $*" >&2; }

if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.ppbench-torch" 2>/dev/null)" != "$spec" ]; then
  log "installing $spec (CUDA wheel and its nvidia-* libraries) into $venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  # --no-deps: the wheel's Python-side dependencies (cuda-bindings, triton, ...) are not needed to
  # build against libtorch and may be absent from the index; the CUDA libraries libtorch_cuda.so
  # links against are named here instead (the linker resolves them when it links the executables).
  "$venv/bin/pip" install --retries 0 --disable-pip-version-check -q --no-deps "$spec" \
    nvidia-cuda-runtime nvidia-cublas nvidia-cufft nvidia-cufile nvidia-cuda-cupti nvidia-curand \
    nvidia-cusolver nvidia-cusparse nvidia-nvjitlink nvidia-cuda-nvrtc nvidia-nvtx nvidia-cudnn-cu13 \
    nvidia-cusparselt-cu13 nvidia-nccl-cu13 nvidia-nvshmem-cu13
  echo "$spec" > "$venv/.ppbench-torch"
fi
torch_dir=$(echo "$PWD"/$venv/lib/python3*/site-packages/torch/share/cmake/Torch)
[ -f "$torch_dir/TorchConfig.cmake" ] || { log "no TorchConfig.cmake under $torch_dir"; exit 1; }
torch_lib="$(dirname "$(dirname "$(dirname "$torch_dir")")")/lib"
[ -f "$torch_lib/libc10_cuda.so" ] || { log "$spec in $venv is not a CUDA build (no libc10_cuda.so)"; exit 1; }

nvcc="${PPBENCH_NVCC:-$(command -v nvcc || true)}"
if [ -z "$nvcc" ]; then
  for candidate in /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc; do
    [ -x "$candidate" ] && { nvcc=$candidate; break; }
  done
fi
[ -n "$nvcc" ] || { log "nvcc not found: install the CUDA toolkit or set PPBENCH_NVCC"; exit 1; }
nvcc=$(readlink -f "$nvcc")
cuda_root=$(dirname "$(dirname "$nvcc")")
if [ ! -f "$cuda_root/include/cuda_runtime.h" ]; then
  # A wrapper (e.g. /usr/local/bin/nvcc running the toolkit's nvcc): use the toolkit it runs.
  for candidate in /usr/local/cuda /usr/local/cuda-*; do
    if [ -x "$candidate/bin/nvcc" ] && [ -f "$candidate/include/cuda_runtime.h" ]; then
      cuda_root=$(readlink -f "$candidate"); nvcc="$cuda_root/bin/nvcc"; break
    fi
  done
fi
[ -f "$cuda_root/include/cuda_runtime.h" ] || { log "no CUDA toolkit headers beside $nvcc"; exit 1; }
log "nvcc $("$nvcc" --version | grep -o 'release [0-9.]*') at $cuda_root; libtorch from $torch_lib; arch $arch"

# libtorch's CMake config wants NVRTC and cuDNN next to the toolkit; the wheel brings its own.
site=$(dirname "$(dirname "$torch_lib")")
nvrtc=$(find "$site/nvidia" -name 'libnvrtc.so*' 2>/dev/null | sort | head -1 || true)
cmake_args=(-DCMAKE_BUILD_TYPE=Release "-DTorch_DIR=$torch_dir" "-DTORCH_CUDA_ARCH_LIST=$arch"
  "-DCUDAToolkit_ROOT=$cuda_root" "-DCUDA_TOOLKIT_ROOT_DIR=$cuda_root" "-DCMAKE_CUDA_COMPILER=$nvcc")
[ -n "$nvrtc" ] && cmake_args+=("-DCUDA_nvrtc_LIBRARY=$nvrtc")

mkdir -p "$out"
logfile="$out/check-cuda.log"
export TORCH_CUDA_ARCH_LIST="$arch" CUDACXX="$nvcc" CUDA_HOME="$cuda_root" PATH="$cuda_root/bin:$PATH"
# A minimal toolkit (nvcc and the runtime only) lacks the library headers ATen's CUDA headers include
# (cusparse.h, cublas_v2.h, ...): the nvidia-* wheels carry them; GCC reads CPATH after -I/-isystem.
wheel_includes=$(find "$site/nvidia" -maxdepth 3 -type d -name include 2>/dev/null | sort | paste -sd: -)
[ -n "$wheel_includes" ] && export CPATH="$wheel_includes${CPATH:+:$CPATH}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ppbench-ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
cmake_js_args=(configure --out "$out")
for a in "${cmake_args[@]}"; do cmake_js_args+=("--C${a#-}"); done
{
  npx cmake-js "${cmake_js_args[@]}"
  cmake --build "$out" --target ppdiffusion gpu-check unet-bench pipeline-bench --parallel "$jobs" --verbose
} > "$logfile" 2>&1 || { tail -60 "$logfile" >&2; log "FAILED (full log: $logfile)"; exit 1; }

grep -q 'CUDA: ON' "$logfile" || { log "CMake did not report CUDA: ON ($logfile)"; exit 1; }
missing=0
while IFS= read -r src; do
  # Its object file, newer than the source (an earlier, interrupted run may have compiled it).
  obj="$out/CMakeFiles/ppengine.dir/$src.o"
  if [ -f "$obj" ] && [ "$obj" -nt "$src" ]; then
    log "compiled $src"
  else
    log "NOT compiled: $src"; missing=1
  fi
done < <(find native -name '*_cuda.cpp' | sort)
[ $missing -eq 0 ] || exit 1
for t in ppdiffusion.node gpu-check unet-bench pipeline-bench; do
  [ -f "$out/Release/$t" ] || { log "missing $out/Release/$t"; exit 1; }
done
grep -m1 'CUDA: ON' "$logfile" >&2
log "OK: addon, gpu-check, unet-bench and pipeline-bench built with CUDA ($arch) in $out/Release"
