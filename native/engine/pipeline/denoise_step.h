#pragma once
#include <ATen/ATen.h>

#include <memory>
#include <string>

#include "engine/device/cuda_graph_step.h"
#include "engine/models/unet/unet2d_condition_model.h"

namespace ppd {

// One denoising step's model work: the UNet on the (CFG) batch, then the guidance combine. Runs
// eagerly, or replays a CUDA graph of exactly that work held in `graph` (captured on the first
// run() when `tryCapture` and the slot is empty). The scheduler update stays eager: its per-step
// coefficients change with the step index.
class DenoiseStep {
 public:
  struct Output {
    at::Tensor unetOut;
    at::Tensor noisePred;
  };

  DenoiseStep(const UNet2DConditionModel& unet, at::Tensor encoderHiddenStates, const AddedCondition* added, bool cfg,
              double guidance, double guidanceRescale);

  // graph: the cache slot for this (size, batch, dtype, guidance); tryCapture: capture into it when empty.
  void useGraph(std::unique_ptr<CudaGraphStep>* graph, bool tryCapture);

  // Captures the graph now when one is wanted and the slot is empty (warm-up + capture, timed in
  // captureMs()), so that the capture stays out of the step's own timing. run() does it otherwise.
  void prepare(const at::Tensor& input, const at::Tensor& timestep);
  Output run(const at::Tensor& input, const at::Tensor& timestep);

  bool graphUsed() const { return graph_ && *graph_; }
  double captureMs() const { return captureMs_; }
  // Non-empty when a capture was tried and failed (the steps then ran eagerly).
  const std::string& captureFailure() const { return captureFailure_; }

 private:
  std::vector<at::Tensor> graphInputs(const at::Tensor& input, const at::Tensor& timestep) const;
  Output eager(const at::Tensor& input, const at::Tensor& timestep, const at::Tensor& ehs, const AddedCondition* added);

  const UNet2DConditionModel& unet_;
  at::Tensor encoderHiddenStates_;
  AddedCondition added_;
  bool hasAdded_;
  bool cfg_;
  double guidance_, guidanceRescale_;
  std::unique_ptr<CudaGraphStep>* graph_ = nullptr;
  bool tryCapture_ = false;
  double captureMs_ = 0;
  std::string captureFailure_;
};

}  // namespace ppd
