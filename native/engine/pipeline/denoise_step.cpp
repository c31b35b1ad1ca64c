#include "engine/pipeline/denoise_step.h"

#include <utility>

#include "engine/device/stopwatch.h"
#include "engine/pipeline/guidance.h"
#include "engine/profiling/trace_scope.h"

namespace ppd {
namespace {

const std::string kGuidanceScope = "guidance";  // profiler scope of the CFG combine

}  // namespace

DenoiseStep::DenoiseStep(const UNet2DConditionModel& unet, at::Tensor encoderHiddenStates, const AddedCondition* added,
                         bool cfg, double guidance, double guidanceRescale)
    : unet_(unet),
      encoderHiddenStates_(std::move(encoderHiddenStates)),
      added_(added ? *added : AddedCondition{}),
      hasAdded_(added != nullptr),
      cfg_(cfg),
      guidance_(guidance),
      guidanceRescale_(guidanceRescale) {}

void DenoiseStep::useGraph(std::unique_ptr<CudaGraphStep>* graph, bool tryCapture) {
  graph_ = graph;
  tryCapture_ = tryCapture;
}

DenoiseStep::Output DenoiseStep::eager(const at::Tensor& input, const at::Tensor& timestep, const at::Tensor& ehs,
                                       const AddedCondition* added) {
  at::Tensor unetOut = unet_.forward(input, timestep, ehs, added);
  at::Tensor noisePred;
  {
    PPD_TRACE_SCOPE(kGuidanceScope);
    noisePred = cfg_ ? applyGuidance(unetOut, guidance_, guidanceRescale_) : unetOut;
  }
  return {std::move(unetOut), std::move(noisePred)};
}

std::vector<at::Tensor> DenoiseStep::graphInputs(const at::Tensor& input, const at::Tensor& timestep) const {
  // The graph's inputs, in this order: sample, timestep, encoder states[, text embeds, time ids].
  std::vector<at::Tensor> inputs = {input, timestep, encoderHiddenStates_};
  if (hasAdded_) {
    inputs.push_back(added_.textEmbeds);
    inputs.push_back(added_.timeIds);
  }
  return inputs;
}

void DenoiseStep::prepare(const at::Tensor& input, const at::Tensor& timestep) {
  if (!graph_ || *graph_ || !tryCapture_) return;
  tryCapture_ = false;  // one try per call; the pipeline remembers a failure for the key
  Stopwatch watch;
  const CudaGraphStep::StepFn fn = [this](const std::vector<at::Tensor>& in) {
    AddedCondition added;
    if (hasAdded_) added = {in[3], in[4]};
    auto out = eager(in[0], in[1], in[2], hasAdded_ ? &added : nullptr);
    return std::vector<at::Tensor>{out.unetOut, out.noisePred};
  };
  *graph_ = CudaGraphStep::capture(fn, graphInputs(input, timestep), &captureFailure_);
  captureMs_ = watch.elapsedMs();
}

DenoiseStep::Output DenoiseStep::run(const at::Tensor& input, const at::Tensor& timestep) {
  prepare(input, timestep);
  if (graph_ && *graph_) {
    auto out = (*graph_)->replay(graphInputs(input, timestep));
    return {std::move(out[0]), std::move(out[1])};
  }
  return eager(input, timestep, encoderHiddenStates_, hasAdded_ ? &added_ : nullptr);
}

}  // namespace ppd
