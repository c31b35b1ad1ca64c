#pragma once
#include "engine/schedulers/dpm_solver_multistep_core.h"
#include "engine/schedulers/scheduler.h"
#include "engine/schedulers/scheduler_math.h"

namespace ppd {

// diffusers' EDMDPMSolverMultistepScheduler (Playground v2.5): DPM-Solver++ on the EDM
// formulation (Karras et al. 2022) with its preconditioning. The UNet sees c_in * x and the
// timestep c_noise = log(sigma) / 4; its output becomes x0 = c_skip * x + c_out * F.
class EDMDPMSolverMultistepScheduler final : public Scheduler {
 public:
  static Json defaultConfig();
  explicit EDMDPMSolverMultistepScheduler(SchedulerConfig config);

  std::optional<at::Tensor> sigmas() const override { return sigmas_; }
  // sqrt(sigma_max² + 1) in float64 from the config, as diffusers (not the float32 first sigma).
  double initNoiseSigma() const override;
  bool needsNoise() const override { return core_.stochastic(); }

 protected:
  at::Tensor computeTimesteps(int64_t steps) override;
  at::Tensor scaleImpl(const at::Tensor& sample, int64_t stepIndex) const override;
  at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                      const StepNoise& noise) override;

 private:
  DpmSolverMultistepCore core_;
  EdmSigmaSchedule schedule_;
  double sigmaData_;
  bool vPrediction_;
  at::Tensor sigmas_;  // float32; entries are used as 0-dim tensors, as diffusers does
};

}  // namespace ppd
