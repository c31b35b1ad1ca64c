#include "engine/schedulers/scheduler_math.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "engine/core/error.h"
#include "engine/schedulers/numpy_compat.h"
#include "engine/schedulers/scheduler_config.h"

namespace ppd {

namespace {

// diffusers' betas_for_alpha_bar with the cosine transform (Nichol & Dhariwal), in Python floats.
at::Tensor cosineBetas(int64_t n) {
  const auto alphaBar = [](double t) {
    const double c = std::cos((t + 0.008) / 1.008 * std::numbers::pi / 2);
    return c * c;
  };
  std::vector<double> betas(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double t1 = static_cast<double>(i) / static_cast<double>(n);
    const double t2 = static_cast<double>(i + 1) / static_cast<double>(n);
    betas[i] = std::min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
  }
  return npcompat::fromDoubles(betas, at::kFloat);
}

at::Tensor trainedBetas(const SchedulerConfig& cfg, int64_t n) {
  const Json& list = cfg.json().at("trained_betas");
  if (!list.is_array() || static_cast<int64_t>(list.size()) != n)
    cfg.invalid("trained_betas", "null or a list of num_train_timesteps (" + std::to_string(n) + ") numbers");
  std::vector<double> betas;
  for (const auto& v : list) {
    if (!v.is_number()) cfg.invalid("trained_betas", "a list of numbers");
    betas.push_back(v.get<double>());
  }
  return npcompat::fromDoubles(betas, at::kFloat);
}

// Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Algorithm 1.
at::Tensor rescaledToZeroTerminalSnr(const at::Tensor& betas) {
  auto alphasBarSqrt = at::cumprod(1.0 - betas, 0).sqrt();
  const auto first = alphasBarSqrt[0].clone();
  const auto last = alphasBarSqrt[-1].clone();
  alphasBarSqrt -= last;
  alphasBarSqrt *= first / (first - last);
  const auto alphasBar = alphasBarSqrt.pow(2);
  const auto alphas = at::cat({alphasBar.slice(0, 0, 1), alphasBar.slice(0, 1) / alphasBar.slice(0, 0, -1)});
  return 1 - alphas;
}

}  // namespace

at::Tensor trainAlphasCumprod(const SchedulerConfig& cfg, bool rescaleZeroTerminalSnr) {
  const int64_t n = cfg.integer("num_train_timesteps");
  if (n < 2) cfg.invalid("num_train_timesteps", "at least 2");
  at::Tensor betas;
  if (!cfg.isNull("trained_betas")) {
    betas = trainedBetas(cfg, n);
  } else {
    const auto schedule = cfg.choice("beta_schedule", {"linear", "scaled_linear", "squaredcos_cap_v2"});
    const double start = cfg.number("beta_start");
    const double end = cfg.number("beta_end");
    if (schedule == "linear") {
      betas = at::linspace(start, end, n, at::kFloat);
    } else if (schedule == "scaled_linear") {
      // Python's `beta_start**0.5` is C pow, not sqrt.
      betas = at::linspace(std::pow(start, 0.5), std::pow(end, 0.5), n, at::kFloat).pow(2);
    } else {
      betas = cosineBetas(n);
    }
  }
  if (rescaleZeroTerminalSnr) betas = rescaledToZeroTerminalSnr(betas);
  return at::cumprod(1.0 - betas, 0);
}

at::Tensor trainSigmas(const at::Tensor& alphasCumprod) {
  return ((1 - alphasCumprod) / alphasCumprod).pow(0.5);
}

std::vector<double> karrasSigmas(double sigmaMin, double sigmaMax, int64_t n, double rho) {
  const double minInvRho = std::pow(sigmaMin, 1 / rho);
  const double maxInvRho = std::pow(sigmaMax, 1 / rho);
  std::vector<double> sigmas = npcompat::linspace(0, 1, n);
  for (double& r : sigmas) r = std::pow(maxInvRho + r * (minInvRho - maxInvRho), rho);
  return sigmas;
}

double sigmaToT(double sigma, const std::vector<float>& logSigmas) {
  const int64_t n = static_cast<int64_t>(logSigmas.size());
  const double logSigma = std::log(std::max(sigma, 1e-10));
  // numpy: cumsum(dists >= 0).argmax(), i.e. the last index whose log-sigma is <= log(sigma)
  // (0 when there is none), clipped so that a right neighbour exists.
  int64_t low = 0;
  for (int64_t i = 0; i < n; ++i)
    if (logSigma - static_cast<double>(logSigmas[i]) >= 0) low = i;
  low = std::min(low, n - 2);
  const double lo = logSigmas[low];
  const double hi = logSigmas[low + 1];
  const double w = std::clamp((lo - logSigma) / (lo - hi), 0.0, 1.0);
  return (1 - w) * static_cast<double>(low) + w * static_cast<double>(low + 1);
}

std::vector<double> spacedTimesteps(const SchedulerConfig& cfg, int64_t steps, bool roundLinspace) {
  const auto spacing = cfg.choice("timestep_spacing", {"linspace", "leading", "trailing"});
  const int64_t trainSteps = cfg.integer("num_train_timesteps");
  std::vector<double> t;
  if (spacing == "linspace") {
    t = npcompat::linspace(0, static_cast<double>(trainSteps - 1), steps);
    if (roundLinspace)
      for (double& v : t) v = npcompat::roundHalfEven(v);
    std::reverse(t.begin(), t.end());
  } else if (spacing == "leading") {
    const int64_t ratio = trainSteps / steps;
    const int64_t offset = cfg.integer("steps_offset");
    for (int64_t i = steps - 1; i >= 0; --i) t.push_back(static_cast<double>(i * ratio + offset));
  } else {
    const double ratio = static_cast<double>(trainSteps) / static_cast<double>(steps);
    t = npcompat::arange(static_cast<double>(trainSteps), 0, -ratio);
    for (double& v : t) v = npcompat::roundHalfEven(v) - 1;
  }
  return t;
}

EdmSigmaSchedule edmSigmaSchedule(const SchedulerConfig& cfg) {
  EdmSigmaSchedule s;
  s.karras = cfg.choice("sigma_schedule", {"karras", "exponential"}) == "karras";
  s.sigmaMin = cfg.number("sigma_min");
  s.sigmaMax = cfg.number("sigma_max");
  s.rho = cfg.number("rho");
  if (!(s.sigmaMin > 0)) cfg.invalid("sigma_min", "a positive number");
  if (!(s.sigmaMax > s.sigmaMin)) cfg.invalid("sigma_max", "a number above sigma_min");
  return s;
}

at::Tensor edmSigmas(const EdmSigmaSchedule& schedule, int64_t steps) {
  if (schedule.karras) {
    const double minInvRho = std::pow(schedule.sigmaMin, 1 / schedule.rho);
    const double maxInvRho = std::pow(schedule.sigmaMax, 1 / schedule.rho);
    return (at::linspace(0, 1, steps, at::kFloat) * (minInvRho - maxInvRho) + maxInvRho).pow(schedule.rho);
  }
  return at::linspace(std::log(schedule.sigmaMin), std::log(schedule.sigmaMax), steps, at::kFloat).exp().flip(0);
}

at::Tensor edmPreconditionInputs(const at::Tensor& sample, const at::Tensor& sigma, double sigmaData) {
  const auto cIn = (sigma.pow(2) + std::pow(sigmaData, 2)).pow(0.5).reciprocal();  // Python's 1 / t
  return sample * cIn;
}

at::Tensor edmPreconditionOutputs(const at::Tensor& sample, const at::Tensor& modelOutput, const at::Tensor& sigma,
                                  double sigmaData, bool vPrediction) {
  const double sd2 = std::pow(sigmaData, 2);
  const auto cSkip = (sigma.pow(2) + sd2).reciprocal() * sd2;  // Python's float / t
  const auto cOut = (vPrediction ? -sigma : sigma) * sigmaData / (sigma.pow(2) + sd2).pow(0.5);
  return cSkip * sample + cOut * modelOutput;
}

double sigmaInitNoiseSigma(const at::Tensor& sigmas, const std::string& spacing) {
  const auto maxSigma = sigmas.max();
  if (spacing != "leading") return maxSigma.item<double>();
  return (maxSigma.pow(2) + 1).pow(0.5).item<double>();
}

at::Tensor sigmaScaleModelInput(const at::Tensor& sample, const at::Tensor& sigma) {
  return sample / (sigma.pow(2) + 1).pow(0.5);
}

at::Tensor sigmaPredictX0(const at::Tensor& modelOutput, const at::Tensor& sample, const at::Tensor& sigma,
                          const std::string& predictionType) {
  if (predictionType == "epsilon") return sample - sigma * modelOutput;
  if (predictionType == "v_prediction") {
    return modelOutput * (-sigma / (sigma.pow(2) + 1).pow(0.5)) + (sample / (sigma.pow(2) + 1));
  }
  return modelOutput;
}

at::Tensor thresholdSample(const at::Tensor& sample, double ratio, double maxValue) {
  const auto dtype = sample.scalar_type();
  // quantile and CPU clamp need float32/64.
  const at::Tensor wide = dtype == at::kFloat || dtype == at::kDouble ? sample : sample.to(at::kFloat);
  const auto flat = wide.reshape({sample.size(0), -1});
  auto s = at::quantile(flat.abs(), ratio, 1).clamp(1, maxValue).unsqueeze(1);
  return (at::clamp(flat, -s, s) / s).reshape(sample.sizes()).to(dtype);
}

at::Tensor thresholdOrClipSample(const SchedulerConfig& cfg, const at::Tensor& predX0) {
  if (cfg.boolean("thresholding"))
    return thresholdSample(predX0, cfg.number("dynamic_thresholding_ratio"), cfg.number("sample_max_value"));
  if (cfg.boolean("clip_sample")) {
    const double range = cfg.number("clip_sample_range");
    return predX0.clamp(-range, range);
  }
  return predX0;
}

}  // namespace ppd
