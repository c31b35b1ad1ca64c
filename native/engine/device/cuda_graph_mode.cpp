#include "engine/device/cuda_graph_mode.h"

#include "engine/core/error.h"

namespace ppd {

CudaGraphMode parseCudaGraphMode(const std::string& name) {
  if (name == "auto") return CudaGraphMode::Auto;
  if (name == "on") return CudaGraphMode::On;
  if (name == "off") return CudaGraphMode::Off;
  fail(ErrorCode::InvalidArg, "Expected cudaGraphs to be \"auto\", \"on\" or \"off\" but received \"" + name + "\"");
}

const char* cudaGraphModeName(CudaGraphMode mode) {
  switch (mode) {
    case CudaGraphMode::Auto: return "auto";
    case CudaGraphMode::On: return "on";
    case CudaGraphMode::Off: return "off";
  }
  return "auto";
}

CudaGraphDecision decideCudaGraphs(CudaGraphMode mode, const at::Device& device, bool cudaBuild) {
  if (mode == CudaGraphMode::Off) return {false, "cudaGraphs is off"};
  if (!device.is_cuda()) return {false, "CUDA graphs need a CUDA device (device " + device.str() + "); running eager"};
  if (!cudaBuild) return {false, "this build of the engine has no CUDA support; running eager"};
  return {true, ""};
}

}  // namespace ppd
