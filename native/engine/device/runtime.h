#pragma once
#include <string>

namespace ppd {

// Process-wide libtorch/allocator settings, applied once before the first model is built:
// - NNPACK off: on CPUs it does not support it prints a warning on every convolution, and oneDNN
//   is used anyway;
// - glibc malloc keeps large buffers on the heap (no mmap/munmap per call): oneDNN repacks conv
//   weights into fresh 10–60 MB buffers on every call, and faulting those pages in from the OS
//   doubled the CPU time of a full-size UNet. PPBENCH_MALLOC_TUNING=0 keeps glibc's defaults;
// - CUDA: cuDNN autotuning on (each convolution shape is timed once, then the fastest algorithm is
//   used; PPBENCH_CUDNN_BENCHMARK=0 switches it off), and the TF32 policy below.
void configureRuntime();

// TF32 on CUDA (fp32 models only; fp16/bf16 are unaffected). PPBENCH_TF32:
//   unset or "torch": PyTorch's defaults, which diffusers runs with: convolutions (cuDNN) TF32,
//                     matrix products (cuBLAS) full fp32;
//   "on":  TF32 for both (fastest fp32, ~1e-3 relative error);
//   "off": full fp32 for both (what the golden comparisons use).
// An unknown value is reported on stderr and "torch" is used.
struct RuntimePolicy {
  std::string tf32 = "torch";
  bool tf32Convolutions = true;
  bool tf32Matmul = false;
  bool cudnnBenchmark = true;
};
const RuntimePolicy& runtimePolicy();

}  // namespace ppd
