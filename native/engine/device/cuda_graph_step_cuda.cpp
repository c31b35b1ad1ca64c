#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "engine/device/cuda_graph_step.h"

namespace ppd {
namespace {

class CapturedCudaStep final : public CudaGraphStep {
 public:
  std::vector<at::Tensor> replay(const std::vector<at::Tensor>& inputs) override {
    for (size_t i = 0; i < staticInputs_.size(); ++i) staticInputs_[i].copy_(inputs[i], /*non_blocking=*/true);
    graph_.replay();
    std::vector<at::Tensor> out;
    out.reserve(staticOutputs_.size());
    for (const auto& t : staticOutputs_) out.push_back(t.clone());
    return out;
  }

  at::cuda::CUDAGraph graph_;
  std::vector<at::Tensor> staticInputs_;
  std::vector<at::Tensor> staticOutputs_;
};

}  // namespace

std::unique_ptr<CudaGraphStep> CudaGraphStep::capture(const StepFn& fn, const std::vector<at::Tensor>& example,
                                                      std::string* whyNot) {
  try {
    auto step = std::make_unique<CapturedCudaStep>();
    for (const auto& t : example) step->staticInputs_.push_back(t.clone());
    const auto device = example.at(0).device();
    c10::cuda::CUDAGuard guard(device);
    const auto caller = c10::cuda::getCurrentCUDAStream(device.index());
    auto side = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index());
    // Warm-up on a side stream (cuDNN/cuBLAS autotuning and workspace allocations happen here, not
    // during capture), then capture on that stream.
    c10::cuda::CUDAEvent callerReady;
    callerReady.record(caller);
    callerReady.block(side);
    {
      c10::cuda::CUDAStreamGuard onSide(side);
      for (int i = 0; i < 2; ++i) (void)fn(step->staticInputs_);
      step->graph_.capture_begin();
      step->staticOutputs_ = fn(step->staticInputs_);
      step->graph_.capture_end();
    }
    c10::cuda::CUDAEvent sideDone;
    sideDone.record(side);
    sideDone.block(caller);
    return step;
  } catch (const std::exception& e) {
    if (whyNot) *whyNot = std::string("CUDA graph capture failed, running eager: ") + e.what();
    // A failed capture can leave the stream in capture mode's error state; clear the sticky error.
    (void)cudaGetLastError();
    return nullptr;
  }
}

}  // namespace ppd
