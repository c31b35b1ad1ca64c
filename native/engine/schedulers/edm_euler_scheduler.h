#pragma once
#include "engine/schedulers/scheduler.h"
#include "engine/schedulers/scheduler_math.h"

namespace ppd {

// diffusers' EDMEulerScheduler: Euler's method on the EDM probability-flow ODE (Karras et al. 2022,
// algorithm 2 with s_churn = 0), with EDM preconditioning: the UNet sees c_in * x and
// c_noise = log(sigma) / 4, and x0 = c_skip * x + c_out * F.
class EDMEulerScheduler final : public Scheduler {
 public:
  static Json defaultConfig();
  explicit EDMEulerScheduler(SchedulerConfig config);

  std::optional<at::Tensor> sigmas() const override { return sigmas_; }
  // sqrt(sigma_max² + 1) in float64 from the config, as diffusers.
  double initNoiseSigma() const override;

 protected:
  at::Tensor computeTimesteps(int64_t steps) override;
  at::Tensor scaleImpl(const at::Tensor& sample, int64_t stepIndex) const override;
  at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                      const StepNoise& noise) override;

 private:
  EdmSigmaSchedule schedule_;
  double sigmaData_;
  bool vPrediction_;
  at::Tensor sigmas_;  // float32; entries are used as 0-dim tensors, as diffusers does
};

}  // namespace ppd
