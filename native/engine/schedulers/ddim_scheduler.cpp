#include "engine/schedulers/ddim_scheduler.h"

#include "engine/schedulers/numpy_compat.h"
#include "engine/schedulers/scheduler_math.h"

namespace ppd {

Json DDIMScheduler::defaultConfig() {
  return {{"num_train_timesteps", 1000},
          {"beta_start", 0.0001},
          {"beta_end", 0.02},
          {"beta_schedule", "linear"},
          {"trained_betas", nullptr},
          {"clip_sample", true},
          {"set_alpha_to_one", true},
          {"steps_offset", 0},
          {"prediction_type", "epsilon"},
          {"thresholding", false},
          {"dynamic_thresholding_ratio", 0.995},
          {"clip_sample_range", 1.0},
          {"sample_max_value", 1.0},
          {"timestep_spacing", "leading"},
          {"rescale_betas_zero_snr", false}};
}

DDIMScheduler::DDIMScheduler(SchedulerConfig config)
    : Scheduler(std::move(config)),
      alphas_(trainAlphasCumprod(this->config(), this->config().boolean("rescale_betas_zero_snr")),
              this->config().boolean("set_alpha_to_one")),
      predictionType_(this->config().choice("prediction_type", {"epsilon", "sample", "v_prediction"})),
      trainSteps_(this->config().integer("num_train_timesteps")) {
  this->config().choice("timestep_spacing", {"linspace", "leading", "trailing"});  // fail here, not at setTimesteps
}

at::Tensor DDIMScheduler::computeTimesteps(int64_t steps) {
  if (steps > trainSteps_) invalidSteps(steps, "more than num_train_timesteps");
  return npcompat::fromDoubles(spacedTimesteps(config(), steps, true), at::kLong);
}

at::Tensor DDIMScheduler::stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                                   const StepNoise& /*noise*/) {
  const int64_t t = timesteps()[stepIndex].item<int64_t>();
  const int64_t prevT = t - trainSteps_ / numInferenceSteps();
  const auto alphaT = alphas_.at(t);
  const auto alphaPrev = alphas_.prev(prevT);
  const auto betaT = 1 - alphaT;

  at::Tensor predX0, predEps;
  if (predictionType_ == "epsilon") {
    predX0 = (sample - betaT.pow(0.5) * modelOutput) / alphaT.pow(0.5);
    predEps = modelOutput;
  } else if (predictionType_ == "sample") {
    predX0 = modelOutput;
    predEps = (sample - alphaT.pow(0.5) * predX0) / betaT.pow(0.5);
  } else {
    predX0 = alphaT.pow(0.5) * sample - betaT.pow(0.5) * modelOutput;
    predEps = alphaT.pow(0.5) * modelOutput + betaT.pow(0.5) * sample;
  }
  predX0 = thresholdOrClipSample(config(), predX0);
  // eta = 0, so std_dev_t = 0 * sqrt(variance) and the direction keeps all of 1 - alpha_prev;
  // evaluated as diffusers does, which also propagates a NaN variance the same way.
  const auto variance = ((1 - alphaPrev) / betaT) * (1 - alphaT / alphaPrev);
  const auto stdDev = variance.pow(0.5) * 0.0;
  const auto direction = (1 - alphaPrev - stdDev.pow(2)).pow(0.5) * predEps;
  return alphaPrev.pow(0.5) * predX0 + direction;
}

}  // namespace ppd
