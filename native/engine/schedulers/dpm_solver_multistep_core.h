#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/schedulers/scheduler_config.h"

namespace ppd {

// The multistep DPM-Solver++ machinery (Lu et al. 2022) shared by DPMSolverMultistepScheduler
// and EDMDPMSolverMultistepScheduler: the history of data predictions, the choice of order per
// step, and the first/second/third-order updates. Scalars are 0-dim float32 tensors combined with
// ATen's kernels in diffusers' order, so the coefficients match diffusers' bit for bit.
class DpmSolverMultistepCore {
 public:
  // One point of the noise schedule, x_t = alpha * x0 + sigma * eps, as 0-dim float32 tensors.
  struct Point {
    at::Tensor alpha;
    at::Tensor sigma;
  };

  // Reads solver_order, algorithm_type, solver_type, lower_order_final, euler_at_final and
  // final_sigmas_type. diffusers' legacy names ("deis", "logrho", "bh1", "bh2") must already have
  // been mapped by withLegacyNamesMapped().
  explicit DpmSolverMultistepCore(const SchedulerConfig& cfg);
  // diffusers re-registers algorithm_type "deis" as "dpmsolver++" and solver_type "logrho", "bh1"
  // or "bh2" as "midpoint"; the resolved config shows the mapped names as diffusers' does.
  static SchedulerConfig withLegacyNamesMapped(SchedulerConfig cfg);

  bool stochastic() const { return sde_; }
  void reset();

  // Records the data prediction `x0` of step `stepIndex` (of `stepCount`) and returns the sample
  // at the next sigma. `point(k)` gives the schedule point of sigma index k; `noise` is used only
  // by sde-dpmsolver++.
  at::Tensor step(const at::Tensor& x0, const at::Tensor& sample, int64_t stepIndex, int64_t stepCount,
                  const std::function<Point(int64_t)>& point, const at::Tensor& noise);

 private:
  at::Tensor firstOrder(const Point& t, const Point& s, const at::Tensor& x0, const at::Tensor& sample,
                        const at::Tensor& noise) const;
  at::Tensor secondOrder(const Point& t, const Point& s0, const Point& s1, const at::Tensor& sample,
                         const at::Tensor& noise) const;
  at::Tensor thirdOrder(const Point& t, const Point& s0, const Point& s1, const Point& s2,
                        const at::Tensor& sample) const;

  int64_t order_;
  bool sde_;       // sde-dpmsolver++ rather than dpmsolver++
  bool heun_;      // solver_type heun rather than midpoint
  bool lowerOrderFinal_;
  bool eulerAtFinal_;
  bool finalSigmaZero_;
  std::vector<at::Tensor> history_;  // data predictions of the last `order_` steps, newest last
  int64_t lowerOrderNums_ = 0;
};

}  // namespace ppd
