#pragma once
#include "engine/schedulers/scheduler.h"

namespace ppd {

// diffusers' EulerDiscreteScheduler: Euler's method on the probability-flow ODE in k-diffusion
// sigma space (Karras et al. 2022, algorithm 2 with s_churn = 0).
class EulerDiscreteScheduler final : public Scheduler {
 public:
  static Json defaultConfig();
  explicit EulerDiscreteScheduler(SchedulerConfig config);

  std::optional<at::Tensor> sigmas() const override { return sigmas_; }
  // max(sigmas) for "linspace"/"trailing", sqrt(max² + 1) for "leading", in float32 as diffusers.
  double initNoiseSigma() const override;

 protected:
  at::Tensor computeTimesteps(int64_t steps) override;
  at::Tensor scaleImpl(const at::Tensor& sample, int64_t stepIndex) const override;
  at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                      const StepNoise& noise) override;

 private:
  at::Tensor trainSigmas_;  // float32, ascending with the training timestep
  std::string predictionType_;
  std::string spacing_;
  bool logLinear_;
  bool karras_;
  std::optional<double> karrasMin_, karrasMax_;  // sigma_min / sigma_max; null = the schedule's ends
  bool finalSigmaMin_;
  bool continuousTimesteps_;  // timestep_type "continuous" (only honoured with v_prediction)
  at::Tensor sigmas_;  // float32; entries are used as 0-dim tensors, as diffusers does
};

}  // namespace ppd
