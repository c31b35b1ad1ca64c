#include "engine/schedulers/dpm_solver_multistep_scheduler.h"

#include <limits>

#include "engine/schedulers/numpy_compat.h"
#include "engine/schedulers/scheduler_math.h"

namespace ppd {

Json DPMSolverMultistepScheduler::defaultConfig() {
  return {{"num_train_timesteps", 1000},
          {"beta_start", 0.0001},
          {"beta_end", 0.02},
          {"beta_schedule", "linear"},
          {"trained_betas", nullptr},
          {"solver_order", 2},
          {"prediction_type", "epsilon"},
          {"thresholding", false},
          {"dynamic_thresholding_ratio", 0.995},
          {"sample_max_value", 1.0},
          {"algorithm_type", "dpmsolver++"},
          {"solver_type", "midpoint"},
          {"lower_order_final", true},
          {"euler_at_final", false},
          {"use_karras_sigmas", false},
          {"use_lu_lambdas", false},
          {"final_sigmas_type", "zero"},
          {"lambda_min_clipped", -std::numeric_limits<double>::infinity()},
          {"variance_type", nullptr},
          {"timestep_spacing", "linspace"},
          {"steps_offset", 0},
          {"rescale_betas_zero_snr", false}};
}

DPMSolverMultistepScheduler::DPMSolverMultistepScheduler(SchedulerConfig config)
    : Scheduler(DpmSolverMultistepCore::withLegacyNamesMapped(std::move(config))),
      core_(this->config()),
      predictionType_(this->config().choice("prediction_type", {"epsilon", "sample", "v_prediction"})) {
  const auto& cfg = this->config();
  const bool zeroSnr = cfg.boolean("rescale_betas_zero_snr");
  alphasCumprod_ = trainAlphasCumprod(cfg, zeroSnr);
  // A zero terminal alpha would make the last sigma infinite; diffusers pins it just above zero.
  if (zeroSnr) alphasCumprod_[-1] = std::ldexp(1.0, -24);
  trainSigmas_ = trainSigmas(alphasCumprod_);
  const auto variance = cfg.optionalString("variance_type");
  if (variance && *variance != "learned" && *variance != "learned_range")
    cfg.invalid("variance_type", "null, \"learned\" or \"learned_range\"");
  learnedVariance_ = variance.has_value();
  spacing_ = cfg.choice("timestep_spacing", {"linspace", "leading", "trailing"});
  lambdaMinClipped_ = cfg.number("lambda_min_clipped");
  karras_ = cfg.boolean("use_karras_sigmas");
  luLambdas_ = cfg.boolean("use_lu_lambdas");
  finalSigmaMin_ = cfg.choice("final_sigmas_type", {"zero", "sigma_min"}) == "sigma_min";
}

std::vector<double> DPMSolverMultistepScheduler::baseTimesteps(int64_t steps) const {
  const auto& cfg = config();
  const int64_t trainSteps = cfg.integer("num_train_timesteps");
  // Timesteps whose log-SNR lambda is below lambda_min_clipped are cut off the top (for cosine
  // schedules); the default -inf keeps all of them.
  const auto lambdas = (alphasCumprod_.sqrt().log() - (1 - alphasCumprod_).sqrt().log()).flip(0);
  const int64_t clipped = at::searchsorted(lambdas, lambdaMinClipped_).item<int64_t>();
  const int64_t lastTimestep = trainSteps - clipped;
  // Unlike DDIM, the tables are built for steps+1 points and the last (smallest) one dropped.
  std::vector<double> t;
  if (spacing_ == "linspace") {
    t = npcompat::linspace(0, static_cast<double>(lastTimestep - 1), steps + 1);
    for (double& v : t) v = npcompat::roundHalfEven(v);
    std::reverse(t.begin(), t.end());
    t.pop_back();
  } else if (spacing_ == "leading") {
    const int64_t ratio = lastTimestep / (steps + 1);
    const int64_t offset = cfg.integer("steps_offset");
    for (int64_t i = steps; i >= 1; --i) t.push_back(static_cast<double>(i * ratio + offset));
  } else {
    const double ratio = static_cast<double>(trainSteps) / static_cast<double>(steps);
    t = npcompat::arange(static_cast<double>(lastTimestep), 0, -ratio);
    for (double& v : t) v = npcompat::roundHalfEven(v) - 1;
  }
  return t;
}

at::Tensor DPMSolverMultistepScheduler::computeTimesteps(int64_t steps) {
  const auto& cfg = config();
  std::vector<double> t = baseTimesteps(steps);
  const std::vector<double> train = npcompat::toDoubles(trainSigmas_);
  auto logSigmas = trainSigmas_.log();
  const std::vector<float> logTable(logSigmas.data_ptr<float>(), logSigmas.data_ptr<float>() + logSigmas.numel());
  std::vector<double> sigmas;
  if (karras_ || luLambdas_) {
    if (karras_) {
      // Spans the whole training range, not just the spaced timesteps (unlike EulerDiscrete).
      // diffusers honours sigma_min/sigma_max when the model's config carried them, although they
      // are not DPMSolver keys (they are passed through from, e.g., an EulerDiscrete config).
      const auto passedThrough = [&](const std::string& key) {
        return cfg.json().contains(key) ? cfg.optionalNumber(key) : std::nullopt;
      };
      sigmas = karrasSigmas(passedThrough("sigma_min").value_or(train.front()),
                            passedThrough("sigma_max").value_or(train.back()), steps, 7.0);
    } else {
      // Uniform in log-sigma between the training extremes (Lu et al. 2022b).
      sigmas = npcompat::linspace(0, 1, steps);
      const double lambdaMin = logTable.front();
      const double lambdaMax = logTable.back();
      for (double& r : sigmas) r = std::exp(lambdaMax + r * (lambdaMin - lambdaMax));
    }
    t.clear();
    for (double s : sigmas) t.push_back(npcompat::roundHalfEven(sigmaToT(s, logTable)));
  } else {
    sigmas = npcompat::interpUnitGrid(t, train);
  }
  sigmas.push_back(finalSigmaMin_ ? train.front() : 0.0);
  sigmas_ = npcompat::fromDoubles(sigmas, at::kFloat);
  core_.reset();
  return npcompat::fromDoubles(t, at::kLong);
}

DpmSolverMultistepCore::Point DPMSolverMultistepScheduler::pointAt(int64_t sigmaIndex) const {
  // k-diffusion sigma -> VP (alpha, sigma): alpha = 1 / sqrt(sigma² + 1), Python's 1 / t being
  // t.reciprocal().
  const auto s = sigmas_[sigmaIndex];
  const auto alpha = (s.pow(2) + 1).pow(0.5).reciprocal();
  return {alpha, s * alpha};
}

at::Tensor DPMSolverMultistepScheduler::dataPrediction(const at::Tensor& modelOutput, int64_t stepIndex,
                                                       const at::Tensor& sample) const {
  at::Tensor x0;
  if (predictionType_ == "sample") {
    x0 = modelOutput;
  } else {
    const auto p = pointAt(stepIndex);
    if (predictionType_ == "epsilon") {
      // Models with a learned variance output it in the channels after the noise estimate.
      const auto eps = learnedVariance_ ? modelOutput.slice(1, 0, 3) : modelOutput;
      x0 = (sample - p.sigma * eps) / p.alpha;
    } else {
      x0 = p.alpha * sample - p.sigma * modelOutput;
    }
  }
  if (config().boolean("thresholding"))
    x0 = thresholdSample(x0, config().number("dynamic_thresholding_ratio"), config().number("sample_max_value"));
  return x0;
}

at::Tensor DPMSolverMultistepScheduler::stepImpl(const at::Tensor& modelOutput, int64_t stepIndex,
                                                 const at::Tensor& sample, const StepNoise& noise) {
  const auto x0 = dataPrediction(modelOutput, stepIndex, sample);
  const auto eps = core_.stochastic() ? noise.draw(x0, at::kFloat, className()) : at::Tensor();
  const auto prev = core_.step(x0, sample.to(at::kFloat), stepIndex, stepCount(),
                               [this](int64_t k) { return pointAt(k); }, eps);
  return prev.to(x0.scalar_type());
}

}  // namespace ppd
