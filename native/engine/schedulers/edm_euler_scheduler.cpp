#include "engine/schedulers/edm_euler_scheduler.h"

#include <cmath>

namespace ppd {

Json EDMEulerScheduler::defaultConfig() {
  return {{"sigma_min", 0.002},          {"sigma_max", 80.0},          {"sigma_data", 0.5},
          {"sigma_schedule", "karras"},  {"num_train_timesteps", 1000}, {"prediction_type", "epsilon"},
          {"rho", 7.0}};
}

EDMEulerScheduler::EDMEulerScheduler(SchedulerConfig config)
    : Scheduler(std::move(config)),
      schedule_(edmSigmaSchedule(this->config())),
      sigmaData_(this->config().number("sigma_data")),
      vPrediction_(this->config().choice("prediction_type", {"epsilon", "v_prediction"}) == "v_prediction") {}

double EDMEulerScheduler::initNoiseSigma() const { return std::pow(std::pow(schedule_.sigmaMax, 2) + 1, 0.5); }

at::Tensor EDMEulerScheduler::computeTimesteps(int64_t steps) {
  const auto sigmas = edmSigmas(schedule_, steps);
  sigmas_ = at::cat({sigmas, at::zeros({1}, at::kFloat)});
  return sigmas.log() * 0.25;  // c_noise
}

at::Tensor EDMEulerScheduler::scaleImpl(const at::Tensor& sample, int64_t stepIndex) const {
  return edmPreconditionInputs(sample, sigmas_[stepIndex], sigmaData_);
}

at::Tensor EDMEulerScheduler::stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                                       const StepNoise& /*noise*/) {
  // With s_churn = 0, gamma = 0 and sigma_hat = sigma; diffusers still draws the churn noise but
  // it never reaches the sample, so no noise is consumed here.
  const auto x = sample.to(at::kFloat);
  const auto sigma = sigmas_[stepIndex];
  const auto predX0 = edmPreconditionOutputs(x, modelOutput, sigma, sigmaData_, vPrediction_);
  const auto derivative = (x - predX0) / sigma;
  const auto dt = sigmas_[stepIndex + 1] - sigma;
  return (x + derivative * dt).to(modelOutput.scalar_type());
}

}  // namespace ppd
