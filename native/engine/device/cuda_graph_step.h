#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ppd {

// One denoising step captured as a CUDA graph and replayed: the step's inputs are copied into static
// device buffers, the graph is replayed, and its outputs are cloned out of the static output buffers
// (multistep schedulers keep earlier model outputs, which the next replay would overwrite).
// Implemented in cuda_graph_step_cuda.cpp; in a build without CUDA, capture() always declines.
class CudaGraphStep {
 public:
  using StepFn = std::function<std::vector<at::Tensor>(const std::vector<at::Tensor>& inputs)>;

  // Warms `fn` up on a side stream, then captures one call on static copies of `example` (the tensors
  // a step receives, already on the device). nullptr when capture is impossible; *whyNot says why.
  static std::unique_ptr<CudaGraphStep> capture(const StepFn& fn, const std::vector<at::Tensor>& example,
                                                std::string* whyNot);
  virtual ~CudaGraphStep() = default;

  // Same arity, shapes and dtypes as the example given to capture().
  virtual std::vector<at::Tensor> replay(const std::vector<at::Tensor>& inputs) = 0;
};

}  // namespace ppd
