#include "engine/schedulers/euler_discrete_scheduler.h"

#include <cmath>

#include "engine/schedulers/numpy_compat.h"
#include "engine/schedulers/scheduler_math.h"

namespace ppd {

Json EulerDiscreteScheduler::defaultConfig() {
  return {{"num_train_timesteps", 1000},
          {"beta_start", 0.0001},
          {"beta_end", 0.02},
          {"beta_schedule", "linear"},
          {"trained_betas", nullptr},
          {"prediction_type", "epsilon"},
          {"interpolation_type", "linear"},
          {"use_karras_sigmas", false},
          {"sigma_min", nullptr},
          {"sigma_max", nullptr},
          {"timestep_spacing", "linspace"},
          {"timestep_type", "discrete"},
          {"steps_offset", 0},
          {"rescale_betas_zero_snr", false},
          {"final_sigmas_type", "zero"}};
}

EulerDiscreteScheduler::EulerDiscreteScheduler(SchedulerConfig config)
    : Scheduler(std::move(config)),
      predictionType_(
          this->config().choice("prediction_type", {"epsilon", "v_prediction", "sample", "original_sample"})) {
  const auto& cfg = this->config();
  const bool zeroSnr = cfg.boolean("rescale_betas_zero_snr");
  auto alphasCumprod = trainAlphasCumprod(cfg, zeroSnr);
  // A zero terminal alpha would make the last sigma infinite; diffusers pins it just above zero.
  if (zeroSnr) alphasCumprod[-1] = std::ldexp(1.0, -24);
  trainSigmas_ = trainSigmas(alphasCumprod);
  spacing_ = cfg.choice("timestep_spacing", {"linspace", "leading", "trailing"});
  logLinear_ = cfg.choice("interpolation_type", {"linear", "log_linear"}) == "log_linear";
  karras_ = cfg.boolean("use_karras_sigmas");
  karrasMin_ = cfg.optionalNumber("sigma_min");
  karrasMax_ = cfg.optionalNumber("sigma_max");
  finalSigmaMin_ = cfg.choice("final_sigmas_type", {"zero", "sigma_min"}) == "sigma_min";
  continuousTimesteps_ = cfg.choice("timestep_type", {"discrete", "continuous"}) == "continuous" &&
                         predictionType_ == "v_prediction";
}

at::Tensor EulerDiscreteScheduler::computeTimesteps(int64_t steps) {
  // numpy builds the table in float64 and stores it as float32; the sigmas are interpolated at
  // the float32 values.
  std::vector<double> t =
      npcompat::toDoubles(npcompat::fromDoubles(spacedTimesteps(config(), steps, false), at::kFloat));
  const std::vector<double> train = npcompat::toDoubles(trainSigmas_);
  std::vector<double> sigmas;
  if (!logLinear_) {
    sigmas = npcompat::interpUnitGrid(t, train);
  } else {
    // diffusers' log_linear yields steps+1 sigmas (steps+2 with the final one); only the first
    // steps+1 are ever used.
    sigmas = npcompat::toDoubles(
        at::linspace(std::log(static_cast<float>(train.back())), std::log(static_cast<float>(train.front())),
                     steps + 1, at::kFloat)
            .exp());
  }
  if (karras_) {
    sigmas = karrasSigmas(karrasMin_.value_or(sigmas.back()), karrasMax_.value_or(sigmas.front()), steps, 7.0);
    auto logSigmas = trainSigmas_.log();
    const std::vector<float> logTable(logSigmas.data_ptr<float>(), logSigmas.data_ptr<float>() + logSigmas.numel());
    t.clear();
    for (double s : sigmas) t.push_back(sigmaToT(s, logTable));
  }
  sigmas.push_back(finalSigmaMin_ ? train.front() : 0.0);
  sigmas_ = npcompat::fromDoubles(sigmas, at::kFloat);
  if (continuousTimesteps_) return sigmas_.slice(0, 0, -1).log() * 0.25;  // c_noise
  return npcompat::fromDoubles(t, at::kFloat);
}

double EulerDiscreteScheduler::initNoiseSigma() const { return sigmaInitNoiseSigma(sigmas_, spacing_); }

at::Tensor EulerDiscreteScheduler::scaleImpl(const at::Tensor& sample, int64_t stepIndex) const {
  return sigmaScaleModelInput(sample, sigmas_[stepIndex]);
}

at::Tensor EulerDiscreteScheduler::stepImpl(const at::Tensor& modelOutput, int64_t stepIndex,
                                            const at::Tensor& sample, const StepNoise& /*noise*/) {
  // With s_churn = 0, gamma = 0 and sigma_hat = sigma; diffusers still draws the churn noise but
  // it never reaches the sample, so no noise is consumed here.
  const auto x = sample.to(at::kFloat);
  const auto sigma = sigmas_[stepIndex];
  const auto predX0 = sigmaPredictX0(modelOutput, x, sigma, predictionType_);
  const auto derivative = (x - predX0) / sigma;
  const auto dt = sigmas_[stepIndex + 1] - sigma;
  return (x + derivative * dt).to(modelOutput.scalar_type());
}

}  // namespace ppd
