#pragma once
#include <ATen/ATen.h>

#include <string>

namespace ppd {

// GenerateOptions.cudaGraphs: 'auto' = capture on a CUDA device, eager elsewhere; 'on' = capture,
// falling back to eager (with the reason) where capture is impossible; 'off' = always eager.
enum class CudaGraphMode { Auto, On, Off };

// "auto" | "on" | "off"; anything else is ERR_INVALID_ARG.
CudaGraphMode parseCudaGraphMode(const std::string& name);
const char* cudaGraphModeName(CudaGraphMode mode);

struct CudaGraphDecision {
  bool capture = false;
  // Why not, when capture is false and the caller asked for graphs ('on'; 'auto' on CPU says so too).
  std::string reason;
};

// Whether to try capturing the denoising step for this device; cudaBuild = libtorch has CUDA.
CudaGraphDecision decideCudaGraphs(CudaGraphMode mode, const at::Device& device, bool cudaBuild);

}  // namespace ppd
