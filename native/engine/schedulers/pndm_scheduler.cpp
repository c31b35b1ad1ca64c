#include "engine/schedulers/pndm_scheduler.h"

#include <algorithm>

#include "engine/core/error.h"
#include "engine/schedulers/scheduler_math.h"

namespace ppd {

Json PNDMScheduler::defaultConfig() {
  return {{"num_train_timesteps", 1000}, {"beta_start", 0.0001},       {"beta_end", 0.02},
          {"beta_schedule", "linear"},   {"trained_betas", nullptr},   {"skip_prk_steps", false},
          {"set_alpha_to_one", false},   {"prediction_type", "epsilon"}, {"timestep_spacing", "leading"},
          {"steps_offset", 0}};
}

PNDMScheduler::PNDMScheduler(SchedulerConfig config)
    : Scheduler(std::move(config)),
      alphas_(trainAlphasCumprod(this->config(), false), this->config().boolean("set_alpha_to_one")),
      skipPrk_(this->config().boolean("skip_prk_steps")),
      vPrediction_(this->config().choice("prediction_type", {"epsilon", "v_prediction"}) == "v_prediction"),
      trainSteps_(this->config().integer("num_train_timesteps")) {
  this->config().choice("timestep_spacing", {"linspace", "leading", "trailing"});  // fail here, not at setTimesteps
}

at::Tensor PNDMScheduler::computeTimesteps(int64_t steps) {
  // PNDM's base table is ascending.
  std::vector<double> base = spacedTimesteps(config(), steps, true);
  std::reverse(base.begin(), base.end());
  const auto n = static_cast<int64_t>(base.size());
  stride_ = trainSteps_ / steps;
  std::vector<int64_t> all;
  prkTimesteps_.clear();
  if (skipPrk_) {
    // concat(t[:-1], t[-2:-1], t[-1:]) reversed: the second-to-last timestep is evaluated twice.
    for (int64_t i = n - 1; i >= 0; --i) {
      all.push_back(static_cast<int64_t>(base[i]));
      if (i == n - 2) all.push_back(static_cast<int64_t>(base[i]));
    }
  } else {
    // Three Runge-Kutta steps over the last four base timesteps, each evaluated at t, t - stride/2
    // (twice) and t - stride: repeat(t[-4:], 2) + tile([0, stride/2]), then [:-1].repeat(2)[1:-1].
    if (n < 4) invalidSteps(steps, "PNDM without skip_prk_steps needs at least 4 steps for its Runge-Kutta warm-up");
    std::vector<int64_t> pairs;
    for (int64_t i = n - 4; i < n; ++i) {
      pairs.push_back(static_cast<int64_t>(base[i]));
      pairs.push_back(static_cast<int64_t>(base[i]) + stride_ / 2);
    }
    pairs.pop_back();
    std::vector<int64_t> doubled;
    for (int64_t v : pairs) doubled.insert(doubled.end(), {v, v});
    prkTimesteps_.assign(doubled.rbegin() + 1, doubled.rend() - 1);
    all = prkTimesteps_;
    for (int64_t i = n - 4; i >= 0; --i) all.push_back(static_cast<int64_t>(base[i]));
  }
  counter_ = 0;
  ets_.clear();
  curModelOutput_ = at::Tensor();
  curSample_.reset();
  return at::tensor(all, at::kLong);
}

at::Tensor PNDMScheduler::stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                                   const StepNoise& /*noise*/) {
  const int64_t t = timesteps()[stepIndex].item<int64_t>();
  if (!skipPrk_ && counter_ < static_cast<int64_t>(prkTimesteps_.size())) return stepPrk(modelOutput, t, sample);
  return stepPlms(modelOutput, t, sample);
}

at::Tensor PNDMScheduler::stepPrk(const at::Tensor& modelOutput, int64_t timestep, const at::Tensor& sample) {
  const int64_t prevTimestep = timestep - (counter_ % 2 ? 0 : stride_ / 2);
  const int64_t from = prkTimesteps_[counter_ / 4 * 4];
  at::Tensor combined = modelOutput;
  switch (counter_ % 4) {
    case 0: {
      const auto term = modelOutput * (1.0 / 6);
      curModelOutput_ = curModelOutput_.defined() ? curModelOutput_ + term : term;
      ets_.push_back(modelOutput);
      curSample_ = sample;
      break;
    }
    case 1:
    case 2:
      curModelOutput_ = curModelOutput_ + modelOutput * (1.0 / 3);
      break;
    default:
      combined = curModelOutput_ + modelOutput * (1.0 / 6);
      curModelOutput_ = at::Tensor();
      break;
  }
  const at::Tensor& base = curSample_ ? *curSample_ : sample;
  auto prev = prevSample(base, from, prevTimestep, combined);
  ++counter_;
  return prev;
}

at::Tensor PNDMScheduler::stepPlms(const at::Tensor& modelOutput, int64_t timestep, const at::Tensor& sample) {
  if (!skipPrk_ && ets_.size() < 3)
    fail(ErrorCode::Internal, "PNDMScheduler: PLMS step before the Runge-Kutta warm-up finished");
  int64_t prevTimestep = timestep - stride_;
  if (counter_ != 1) {
    if (ets_.size() > 3) ets_.erase(ets_.begin(), ets_.end() - 3);
    ets_.push_back(modelOutput);
  } else {
    // The repeated evaluation re-does the first step from the same sample, so it moves from
    // t + stride to t again.
    prevTimestep = timestep;
    timestep = timestep + stride_;
  }
  at::Tensor eps;
  at::Tensor base = sample;
  const size_t n = ets_.size();
  if (n == 1 && counter_ == 0) {
    eps = modelOutput;
    curSample_ = sample;
  } else if (n == 1 && counter_ == 1) {
    eps = (modelOutput + ets_[0]) / 2;
    base = *curSample_;
    curSample_.reset();
  } else if (n == 2) {
    eps = (ets_[1] * 3 - ets_[0]) / 2;
  } else if (n == 3) {
    eps = (ets_[2] * 23 - ets_[1] * 16 + ets_[0] * 5) / 12;
  } else {
    eps = (ets_[3] * 55 - ets_[2] * 59 + ets_[1] * 37 - ets_[0] * 9) * (1.0 / 24);
  }
  auto prev = prevSample(base, timestep, prevTimestep, eps);
  ++counter_;
  return prev;
}

at::Tensor PNDMScheduler::prevSample(const at::Tensor& sample, int64_t timestep, int64_t prevTimestep,
                                     const at::Tensor& modelOutput) const {
  const auto alphaT = alphas_.at(timestep);
  const auto alphaPrev = alphas_.prev(prevTimestep);
  const auto betaT = 1 - alphaT;
  const auto betaPrev = 1 - alphaPrev;
  const at::Tensor eps = vPrediction_ ? alphaT.pow(0.5) * modelOutput + betaT.pow(0.5) * sample : modelOutput;
  const auto sampleCoeff = (alphaPrev / alphaT).pow(0.5);
  const auto denom = alphaT * betaPrev.pow(0.5) + (alphaT * betaT * alphaPrev).pow(0.5);
  return sampleCoeff * sample - (alphaPrev - alphaT) * eps / denom;
}

}  // namespace ppd
