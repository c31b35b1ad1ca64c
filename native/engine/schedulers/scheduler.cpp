#include "engine/schedulers/scheduler.h"

#include "engine/core/error.h"
#include "engine/schedulers/numpy_compat.h"

namespace ppd {

void Scheduler::setTimesteps(int64_t steps) {
  if (steps < 1) invalidSteps(steps, "it must be at least 1");
  timesteps_ = computeTimesteps(steps);
  numInferenceSteps_ = steps;
  nextStep_ = -1;
}

void Scheduler::invalidSteps(int64_t steps, const std::string& why) const {
  fail(ErrorCode::InvalidArg, className() + ": steps = " + std::to_string(steps) + " is not usable: " + why);
}

const at::Tensor& Scheduler::timesteps() const {
  if (!timesteps_.defined()) fail(ErrorCode::InvalidArg, className() + ": setTimesteps() has not been called");
  return timesteps_;
}

std::vector<double> Scheduler::timestepValues() const { return npcompat::toDoubles(timesteps()); }

double Scheduler::timestepValue(int64_t stepIndex) const {
  checkStepIndex(stepIndex);
  return timesteps_[stepIndex].item<double>();
}

void Scheduler::checkStepIndex(int64_t stepIndex) const {
  const int64_t n = stepCount();
  if (stepIndex < 0 || stepIndex >= n)
    fail(ErrorCode::InvalidArg, className() + ": step index " + std::to_string(stepIndex) + " is outside 0.." +
                                    std::to_string(n - 1));
}

at::Tensor Scheduler::scaleModelInput(const at::Tensor& sample, int64_t stepIndex) const {
  checkStepIndex(stepIndex);
  return scaleImpl(sample, stepIndex);
}

at::Tensor Scheduler::step(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                           const StepNoise& noise) {
  checkStepIndex(stepIndex);
  if (nextStep_ >= 0 && stepIndex != nextStep_)
    fail(ErrorCode::InvalidArg, className() + ": step index " + std::to_string(stepIndex) +
                                    " out of order: the previous step was " + std::to_string(nextStep_ - 1) +
                                    " (call setTimesteps() to restart)");
  auto next = stepImpl(modelOutput, stepIndex, sample, noise);
  nextStep_ = stepIndex + 1;
  return next;
}

}  // namespace ppd
