#pragma once
#include "engine/schedulers/alphas_table.h"
#include "engine/schedulers/scheduler.h"

namespace ppd {

// diffusers' LCMScheduler (Luo et al. 2023, latent consistency models): each step maps the sample
// to the consistency function's x0 estimate and, except on the last step, re-noises it to the
// next timestep with fresh noise.
class LCMScheduler final : public Scheduler {
 public:
  static Json defaultConfig();
  explicit LCMScheduler(SchedulerConfig config);

  double initNoiseSigma() const override { return 1.0; }
  bool needsNoise() const override { return true; }

 protected:
  at::Tensor computeTimesteps(int64_t steps) override;
  at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                      const StepNoise& noise) override;

 private:
  AlphasTable alphas_;
  std::string predictionType_;
  int64_t trainSteps_;
  int64_t originalSteps_;
};

}  // namespace ppd
