#include "engine/schedulers/lcm_scheduler.h"

#include <cmath>

#include "engine/schedulers/numpy_compat.h"
#include "engine/schedulers/scheduler_math.h"

namespace ppd {

Json LCMScheduler::defaultConfig() {
  return {{"num_train_timesteps", 1000},
          {"beta_start", 0.00085},
          {"beta_end", 0.012},
          {"beta_schedule", "scaled_linear"},
          {"trained_betas", nullptr},
          {"original_inference_steps", 50},
          {"clip_sample", false},
          {"clip_sample_range", 1.0},
          {"set_alpha_to_one", true},
          {"steps_offset", 0},
          {"prediction_type", "epsilon"},
          {"thresholding", false},
          {"dynamic_thresholding_ratio", 0.995},
          {"sample_max_value", 1.0},
          {"timestep_spacing", "leading"},
          {"timestep_scaling", 10.0},
          {"rescale_betas_zero_snr", false}};
}

LCMScheduler::LCMScheduler(SchedulerConfig config)
    : Scheduler(std::move(config)),
      alphas_(trainAlphasCumprod(this->config(), this->config().boolean("rescale_betas_zero_snr")),
              this->config().boolean("set_alpha_to_one")),
      predictionType_(this->config().choice("prediction_type", {"epsilon", "sample", "v_prediction"})),
      trainSteps_(this->config().integer("num_train_timesteps")),
      originalSteps_(this->config().integer("original_inference_steps")) {
  if (originalSteps_ < 1 || originalSteps_ > trainSteps_)
    this->config().invalid("original_inference_steps", "between 1 and num_train_timesteps");
}

at::Tensor LCMScheduler::computeTimesteps(int64_t steps) {
  // LCM ignores timestep_spacing: it subsamples the distillation schedule of
  // original_inference_steps evenly spaced timesteps, k-1, 2k-1, ..., descending.
  if (steps > trainSteps_) invalidSteps(steps, "more than num_train_timesteps");
  if (steps > originalSteps_)
    invalidSteps(steps, "more than original_inference_steps (" + std::to_string(originalSteps_) + ")");
  const int64_t k = trainSteps_ / originalSteps_;
  std::vector<int64_t> origin;
  for (int64_t i = originalSteps_; i >= 1; --i) origin.push_back(i * k - 1);
  std::vector<int64_t> t;
  for (double idx : npcompat::linspace(0, static_cast<double>(originalSteps_), steps, false))
    t.push_back(origin[static_cast<size_t>(std::floor(idx))]);
  return at::tensor(t, at::kLong);
}

at::Tensor LCMScheduler::stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                                  const StepNoise& noise) {
  const auto& ts = timesteps();
  const int64_t t = ts[stepIndex].item<int64_t>();
  const bool last = stepIndex == stepCount() - 1;
  const int64_t prevT = last ? t : ts[stepIndex + 1].item<int64_t>();
  const auto alphaT = alphas_.at(t);
  const auto alphaPrev = alphas_.prev(prevT);
  const auto betaT = 1 - alphaT;
  const auto betaPrev = 1 - alphaPrev;

  // Boundary-condition scalings of the consistency function with sigma_data = 0.5, the timestep
  // scaled by timestep_scaling (the int64 timestep times a Python float: float32).
  const auto scaled = ts[stepIndex] * config().number("timestep_scaling");
  const auto cSkip = (scaled.pow(2) + 0.25).reciprocal() * 0.25;  // Python's 0.25 / t
  const auto cOut = scaled / (scaled.pow(2) + 0.25).pow(0.5);

  at::Tensor predX0;
  if (predictionType_ == "epsilon") {
    predX0 = (sample - betaT.sqrt() * modelOutput) / alphaT.sqrt();
  } else if (predictionType_ == "sample") {
    predX0 = modelOutput;
  } else {
    predX0 = alphaT.sqrt() * sample - betaT.sqrt() * modelOutput;
  }
  predX0 = thresholdOrClipSample(config(), predX0);
  const auto denoised = cOut * predX0 + cSkip * sample;
  if (last) return denoised;
  const auto eps = noise.draw(denoised, denoised.scalar_type(), className());
  return alphaPrev.sqrt() * denoised + betaPrev.sqrt() * eps;
}

}  // namespace ppd
