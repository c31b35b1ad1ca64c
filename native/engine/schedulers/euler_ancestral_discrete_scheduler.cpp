#include "engine/schedulers/euler_ancestral_discrete_scheduler.h"

#include "engine/schedulers/numpy_compat.h"
#include "engine/schedulers/scheduler_math.h"

namespace ppd {

Json EulerAncestralDiscreteScheduler::defaultConfig() {
  return {{"num_train_timesteps", 1000}, {"beta_start", 0.0001},          {"beta_end", 0.02},
          {"beta_schedule", "linear"},   {"trained_betas", nullptr},      {"prediction_type", "epsilon"},
          {"timestep_spacing", "linspace"}, {"steps_offset", 0},          {"rescale_betas_zero_snr", false}};
}

EulerAncestralDiscreteScheduler::EulerAncestralDiscreteScheduler(SchedulerConfig config)
    : Scheduler(std::move(config)),
      // diffusers accepts "sample" in the config but raises NotImplementedError at the first step.
      predictionType_(this->config().choice("prediction_type", {"epsilon", "v_prediction"})),
      spacing_(this->config().choice("timestep_spacing", {"linspace", "leading", "trailing"})) {
  const bool zeroSnr = this->config().boolean("rescale_betas_zero_snr");
  auto alphasCumprod = trainAlphasCumprod(this->config(), zeroSnr);
  // A zero terminal alpha would make the last sigma infinite; diffusers pins it just above zero.
  if (zeroSnr) alphasCumprod[-1] = std::ldexp(1.0, -24);
  trainSigmas_ = trainSigmas(alphasCumprod);
}

at::Tensor EulerAncestralDiscreteScheduler::computeTimesteps(int64_t steps) {
  // numpy builds the table in float64 and stores it as float32; the sigmas are interpolated at
  // the float32 values.
  const auto timesteps = npcompat::fromDoubles(spacedTimesteps(config(), steps, false), at::kFloat);
  std::vector<double> sigmas =
      npcompat::interpUnitGrid(npcompat::toDoubles(timesteps), npcompat::toDoubles(trainSigmas_));
  sigmas.push_back(0.0);
  sigmas_ = npcompat::fromDoubles(sigmas, at::kFloat);
  return timesteps;
}

double EulerAncestralDiscreteScheduler::initNoiseSigma() const { return sigmaInitNoiseSigma(sigmas_, spacing_); }

at::Tensor EulerAncestralDiscreteScheduler::scaleImpl(const at::Tensor& sample, int64_t stepIndex) const {
  return sigmaScaleModelInput(sample, sigmas_[stepIndex]);
}

at::Tensor EulerAncestralDiscreteScheduler::stepImpl(const at::Tensor& modelOutput, int64_t stepIndex,
                                                     const at::Tensor& sample, const StepNoise& noise) {
  const auto x = sample.to(at::kFloat);
  const auto sigma = sigmas_[stepIndex];
  const auto predX0 = sigmaPredictX0(modelOutput, x, sigma, predictionType_);
  const auto sigmaTo = sigmas_[stepIndex + 1];
  const auto sigmaUp = (sigmaTo.pow(2) * (sigma.pow(2) - sigmaTo.pow(2)) / sigma.pow(2)).pow(0.5);
  const auto sigmaDown = (sigmaTo.pow(2) - sigmaUp.pow(2)).pow(0.5);
  const auto derivative = (x - predX0) / sigma;
  const auto prev = x + derivative * (sigmaDown - sigma);
  // diffusers draws the noise on every step, including the last one where sigma_up is 0.
  const auto eps = noise.draw(modelOutput, modelOutput.scalar_type(), className());
  return (prev + eps * sigmaUp).to(modelOutput.scalar_type());
}

}  // namespace ppd
