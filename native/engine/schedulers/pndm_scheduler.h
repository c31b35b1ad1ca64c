#pragma once
#include <optional>
#include <vector>

#include "engine/schedulers/alphas_table.h"
#include "engine/schedulers/scheduler.h"

namespace ppd {

// diffusers' PNDMScheduler (Liu et al. 2022, pseudo numerical methods): Runge-Kutta warm-up steps
// (PRK) then linear multistep (PLMS). With skip_prk_steps (every Stable Diffusion config) the
// warm-up is replaced by one extra evaluation, so steps+1 timesteps with the second-to-last
// value repeated.
class PNDMScheduler final : public Scheduler {
 public:
  static Json defaultConfig();
  explicit PNDMScheduler(SchedulerConfig config);

  double initNoiseSigma() const override { return 1.0; }

 protected:
  at::Tensor computeTimesteps(int64_t steps) override;
  at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                      const StepNoise& noise) override;

 private:
  at::Tensor stepPrk(const at::Tensor& modelOutput, int64_t timestep, const at::Tensor& sample);
  at::Tensor stepPlms(const at::Tensor& modelOutput, int64_t timestep, const at::Tensor& sample);
  // Eq. (9) of the paper: x_{t-δ} from x_t and the (combined) noise estimate.
  at::Tensor prevSample(const at::Tensor& sample, int64_t timestep, int64_t prevTimestep,
                        const at::Tensor& modelOutput) const;

  AlphasTable alphas_;
  bool skipPrk_;
  bool vPrediction_;
  int64_t trainSteps_;
  int64_t stride_ = 0;                // num_train_timesteps // steps
  std::vector<int64_t> prkTimesteps_;
  // Multistep state, reset by setTimesteps().
  int64_t counter_ = 0;
  std::vector<at::Tensor> ets_;       // past model outputs, newest last (at most 4 used)
  at::Tensor curModelOutput_;         // the Runge-Kutta running sum; undefined = 0
  std::optional<at::Tensor> curSample_;
};

}  // namespace ppd
