#include "engine/device/cuda_graph_step.h"

#ifndef PPBENCH_WITH_CUDA
namespace ppd {

std::unique_ptr<CudaGraphStep> CudaGraphStep::capture(const StepFn&, const std::vector<at::Tensor>&, std::string* whyNot) {
  if (whyNot) *whyNot = "this build of the engine has no CUDA support; running eager";
  return nullptr;
}

}  // namespace ppd
#endif
