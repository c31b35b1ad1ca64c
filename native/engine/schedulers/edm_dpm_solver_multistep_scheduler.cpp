#include "engine/schedulers/edm_dpm_solver_multistep_scheduler.h"

#include <cmath>

#include "engine/schedulers/scheduler_math.h"

namespace ppd {

Json EDMDPMSolverMultistepScheduler::defaultConfig() {
  return {{"sigma_min", 0.002},
          {"sigma_max", 80.0},
          {"sigma_data", 0.5},
          {"sigma_schedule", "karras"},
          {"num_train_timesteps", 1000},
          {"prediction_type", "epsilon"},
          {"rho", 7.0},
          {"solver_order", 2},
          {"thresholding", false},
          {"dynamic_thresholding_ratio", 0.995},
          {"sample_max_value", 1.0},
          {"algorithm_type", "dpmsolver++"},
          {"solver_type", "midpoint"},
          {"lower_order_final", true},
          {"euler_at_final", false},
          {"final_sigmas_type", "zero"}};
}

EDMDPMSolverMultistepScheduler::EDMDPMSolverMultistepScheduler(SchedulerConfig config)
    : Scheduler(DpmSolverMultistepCore::withLegacyNamesMapped(std::move(config))),
      core_(this->config()),
      schedule_(edmSigmaSchedule(this->config())),
      sigmaData_(this->config().number("sigma_data")),
      vPrediction_(this->config().choice("prediction_type", {"epsilon", "v_prediction"}) == "v_prediction") {}

double EDMDPMSolverMultistepScheduler::initNoiseSigma() const {
  return std::pow(std::pow(schedule_.sigmaMax, 2) + 1, 0.5);
}

at::Tensor EDMDPMSolverMultistepScheduler::computeTimesteps(int64_t steps) {
  const auto sigmas = edmSigmas(schedule_, steps);
  const bool finalSigmaMin = config().choice("final_sigmas_type", {"zero", "sigma_min"}) == "sigma_min";
  const auto last = at::full({1}, finalSigmaMin ? schedule_.sigmaMin : 0.0, at::kFloat);
  sigmas_ = at::cat({sigmas, last});
  core_.reset();
  return sigmas.log() * 0.25;  // c_noise
}

at::Tensor EDMDPMSolverMultistepScheduler::scaleImpl(const at::Tensor& sample, int64_t stepIndex) const {
  return edmPreconditionInputs(sample, sigmas_[stepIndex], sigmaData_);
}

at::Tensor EDMDPMSolverMultistepScheduler::stepImpl(const at::Tensor& modelOutput, int64_t stepIndex,
                                                    const at::Tensor& sample, const StepNoise& noise) {
  auto x0 = edmPreconditionOutputs(sample, modelOutput, sigmas_[stepIndex], sigmaData_, vPrediction_);
  if (config().boolean("thresholding"))
    x0 = thresholdSample(x0, config().number("dynamic_thresholding_ratio"), config().number("sample_max_value"));
  const auto eps = core_.stochastic() ? noise.draw(x0, x0.scalar_type(), className()) : at::Tensor();
  // The inputs are preconditioned, so alpha = 1 (diffusers' int64 tensor(1); its log and products
  // are exact in float32 too) and sigma is the EDM sigma itself. Unlike DPMSolverMultistep,
  // diffusers neither upcasts the sample nor casts the result back here.
  const auto one = at::scalar_tensor(1.0, at::kFloat);
  return core_.step(x0, sample, stepIndex, stepCount(),
                    [&](int64_t k) { return DpmSolverMultistepCore::Point{one, sigmas_[k]}; }, eps);
}

}  // namespace ppd
