#pragma once
#include <optional>
#include <vector>

#include "engine/schedulers/dpm_solver_multistep_core.h"
#include "engine/schedulers/scheduler.h"

namespace ppd {

// diffusers' DPMSolverMultistepScheduler with algorithm_type dpmsolver++ or sde-dpmsolver++
// ("DPM++ 2M", "DPM++ 2M Karras", "DPM++ 2M SDE").
class DPMSolverMultistepScheduler final : public Scheduler {
 public:
  static Json defaultConfig();
  explicit DPMSolverMultistepScheduler(SchedulerConfig config);

  std::optional<at::Tensor> sigmas() const override { return sigmas_; }
  double initNoiseSigma() const override { return 1.0; }
  bool needsNoise() const override { return core_.stochastic(); }

 protected:
  at::Tensor computeTimesteps(int64_t steps) override;
  at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                      const StepNoise& noise) override;

 private:
  // The data prediction x0 from the model output (diffusers' convert_model_output).
  at::Tensor dataPrediction(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample) const;
  DpmSolverMultistepCore::Point pointAt(int64_t sigmaIndex) const;
  std::vector<double> baseTimesteps(int64_t steps) const;

  DpmSolverMultistepCore core_;
  at::Tensor alphasCumprod_;
  at::Tensor trainSigmas_;  // float32, ascending with the training timestep
  std::string predictionType_;
  std::string spacing_;
  double lambdaMinClipped_;
  bool karras_;
  bool luLambdas_;
  bool finalSigmaMin_;
  bool learnedVariance_;
  at::Tensor sigmas_;  // float32; entries are used as 0-dim tensors, as diffusers does
};

}  // namespace ppd
