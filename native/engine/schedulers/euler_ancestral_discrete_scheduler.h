#pragma once
#include "engine/schedulers/scheduler.h"

namespace ppd {

// diffusers' EulerAncestralDiscreteScheduler: an Euler step down to sigma_down followed by fresh
// noise of standard deviation sigma_up (k-diffusion's sample_euler_ancestral, eta = 1).
class EulerAncestralDiscreteScheduler final : public Scheduler {
 public:
  static Json defaultConfig();
  explicit EulerAncestralDiscreteScheduler(SchedulerConfig config);

  std::optional<at::Tensor> sigmas() const override { return sigmas_; }
  // max(sigmas) for "linspace"/"trailing", sqrt(max² + 1) for "leading", in float32 as diffusers.
  double initNoiseSigma() const override;
  bool needsNoise() const override { return true; }

 protected:
  at::Tensor computeTimesteps(int64_t steps) override;
  at::Tensor scaleImpl(const at::Tensor& sample, int64_t stepIndex) const override;
  at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                      const StepNoise& noise) override;

 private:
  at::Tensor trainSigmas_;  // float32, ascending with the training timestep
  std::string predictionType_;  // "epsilon" or "v_prediction"
  std::string spacing_;
  at::Tensor sigmas_;  // float32; entries are used as 0-dim tensors, as diffusers does
};

}  // namespace ppd
