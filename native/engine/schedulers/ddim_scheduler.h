#pragma once
#include "engine/schedulers/alphas_table.h"
#include "engine/schedulers/scheduler.h"

namespace ppd {

// diffusers' DDIMScheduler (Song et al. 2021) with eta = 0: the deterministic DDIM update.
class DDIMScheduler final : public Scheduler {
 public:
  static Json defaultConfig();
  explicit DDIMScheduler(SchedulerConfig config);

  double initNoiseSigma() const override { return 1.0; }

 protected:
  at::Tensor computeTimesteps(int64_t steps) override;
  at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                      const StepNoise& noise) override;

 private:
  AlphasTable alphas_;
  std::string predictionType_;
  int64_t trainSteps_;
};

}  // namespace ppd
