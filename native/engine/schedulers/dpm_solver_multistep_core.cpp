#include "engine/schedulers/dpm_solver_multistep_core.h"

namespace ppd {

namespace {

// The log-SNR: lambda = log(alpha) - log(sigma).
at::Tensor lambdaOf(const DpmSolverMultistepCore::Point& p) { return at::log(p.alpha) - at::log(p.sigma); }

}  // namespace

SchedulerConfig DpmSolverMultistepCore::withLegacyNamesMapped(SchedulerConfig cfg) {
  Json json = cfg.json();
  if (json["algorithm_type"] == "deis") json["algorithm_type"] = "dpmsolver++";
  const auto& solver = json["solver_type"];
  if (solver == "logrho" || solver == "bh1" || solver == "bh2") json["solver_type"] = "midpoint";
  return SchedulerConfig(cfg.className(), std::move(json));
}

DpmSolverMultistepCore::DpmSolverMultistepCore(const SchedulerConfig& cfg)
    : order_(cfg.integer("solver_order")),
      // The deprecated epsilon-space variants "dpmsolver" and "sde-dpmsolver" are not supported.
      sde_(cfg.choice("algorithm_type", {"dpmsolver++", "sde-dpmsolver++"}) == "sde-dpmsolver++"),
      heun_(cfg.choice("solver_type", {"midpoint", "heun"}) == "heun"),
      lowerOrderFinal_(cfg.boolean("lower_order_final")),
      eulerAtFinal_(cfg.boolean("euler_at_final")),
      finalSigmaZero_(cfg.choice("final_sigmas_type", {"zero", "sigma_min"}) == "zero") {
  if (order_ < 1 || order_ > 3) cfg.invalid("solver_order", "1, 2 or 3");
  // diffusers' third-order update has no SDE branch and fails with an unbound variable.
  if (order_ == 3 && sde_) cfg.invalid("solver_order", "1 or 2 with algorithm_type \"sde-dpmsolver++\"");
  reset();
}

void DpmSolverMultistepCore::reset() {
  history_.assign(static_cast<size_t>(order_), at::Tensor());
  lowerOrderNums_ = 0;
}

at::Tensor DpmSolverMultistepCore::step(const at::Tensor& x0, const at::Tensor& sample, int64_t stepIndex,
                                        int64_t stepCount, const std::function<Point(int64_t)>& point,
                                        const at::Tensor& noise) {
  const bool last = stepIndex == stepCount - 1;
  const bool shortRun = lowerOrderFinal_ && stepCount < 15;
  // The final step drops to first order when it lands on sigma 0 (its log-SNR is infinite) or
  // when asked to; short runs also use second order for the step before it, for stability.
  const bool firstOrderFinal = last && (eulerAtFinal_ || shortRun || finalSigmaZero_);
  const bool secondOrderFinal = stepIndex == stepCount - 2 && shortRun;

  history_.erase(history_.begin());
  history_.push_back(x0);

  const Point t = point(stepIndex + 1);
  const Point s0 = point(stepIndex);
  at::Tensor prev;
  if (order_ == 1 || lowerOrderNums_ < 1 || firstOrderFinal) {
    prev = firstOrder(t, s0, x0, sample, noise);
  } else if (order_ == 2 || lowerOrderNums_ < 2 || secondOrderFinal) {
    prev = secondOrder(t, s0, point(stepIndex - 1), sample, noise);
  } else {
    prev = thirdOrder(t, s0, point(stepIndex - 1), point(stepIndex - 2), sample);
  }
  if (lowerOrderNums_ < order_) ++lowerOrderNums_;
  return prev;
}

at::Tensor DpmSolverMultistepCore::firstOrder(const Point& t, const Point& s, const at::Tensor& x0,
                                              const at::Tensor& sample, const at::Tensor& noise) const {
  const auto h = lambdaOf(t) - lambdaOf(s);
  if (!sde_) return (t.sigma / s.sigma) * sample - (t.alpha * (at::exp(-h) - 1.0)) * x0;
  return (t.sigma / s.sigma * at::exp(-h)) * sample + (t.alpha * (1 - at::exp(h * -2.0))) * x0 +
         t.sigma * at::sqrt(1.0 - at::exp(h * -2)) * noise;
}

at::Tensor DpmSolverMultistepCore::secondOrder(const Point& t, const Point& s0, const Point& s1,
                                               const at::Tensor& sample, const at::Tensor& noise) const {
  const at::Tensor& m0 = history_[order_ - 1];
  const at::Tensor& m1 = history_[order_ - 2];
  const auto lambdaS0 = lambdaOf(s0);
  const auto h = lambdaOf(t) - lambdaS0;
  const auto h0 = lambdaS0 - lambdaOf(s1);
  const auto r0 = h0 / h;
  const auto& d0 = m0;
  const auto d1 = r0.reciprocal() * (m0 - m1);  // Python's 1.0 / r0
  if (!sde_) {
    const auto x = (t.sigma / s0.sigma) * sample - (t.alpha * (at::exp(-h) - 1.0)) * d0;
    if (!heun_) return x - (t.alpha * (at::exp(-h) - 1.0)) * 0.5 * d1;
    return x + (t.alpha * ((at::exp(-h) - 1.0) / h + 1.0)) * d1;
  }
  const auto c0 = t.alpha * (1 - at::exp(h * -2.0));
  const auto c1 = heun_ ? t.alpha * ((1.0 - at::exp(h * -2.0)) / (h * -2.0) + 1.0) : c0 * 0.5;
  return (t.sigma / s0.sigma * at::exp(-h)) * sample + c0 * d0 + c1 * d1 +
         t.sigma * at::sqrt(1.0 - at::exp(h * -2)) * noise;
}

at::Tensor DpmSolverMultistepCore::thirdOrder(const Point& t, const Point& s0, const Point& s1, const Point& s2,
                                              const at::Tensor& sample) const {
  const at::Tensor& m0 = history_[order_ - 1];
  const at::Tensor& m1 = history_[order_ - 2];
  const at::Tensor& m2 = history_[order_ - 3];
  const auto lambdaS0 = lambdaOf(s0);
  const auto lambdaS1 = lambdaOf(s1);
  const auto h = lambdaOf(t) - lambdaS0;
  const auto h0 = lambdaS0 - lambdaS1;
  const auto h1 = lambdaS1 - lambdaOf(s2);
  const auto r0 = h0 / h;
  const auto r1 = h1 / h;
  const auto& d0 = m0;
  const auto d10 = r0.reciprocal() * (m0 - m1);
  const auto d11 = r1.reciprocal() * (m1 - m2);
  const auto d1 = d10 + (r0 / (r0 + r1)) * (d10 - d11);
  const auto d2 = (r0 + r1).reciprocal() * (d10 - d11);
  return (t.sigma / s0.sigma) * sample - (t.alpha * (at::exp(-h) - 1.0)) * d0 +
         (t.alpha * ((at::exp(-h) - 1.0) / h + 1.0)) * d1 -
         (t.alpha * ((at::exp(-h) - 1.0 + h) / h.pow(2) - 0.5)) * d2;
}

}  // namespace ppd
