#include "engine/schedulers/numpy_compat.h"

#include <cfenv>
#include <cmath>

namespace ppd::npcompat {

std::vector<double> linspace(double start, double stop, int64_t num, bool endpoint) {
  std::vector<double> y(static_cast<size_t>(std::max<int64_t>(num, 0)));
  const int64_t div = endpoint ? num - 1 : num;
  const double delta = stop - start;
  if (div > 0) {
    const double step = delta / static_cast<double>(div);
    for (int64_t i = 0; i < num; ++i) {
      // numpy divides first when the step underflows to zero (denormal ranges).
      y[i] = (step == 0 ? static_cast<double>(i) / static_cast<double>(div) * delta
                        : static_cast<double>(i) * step) +
             start;
    }
  } else {
    for (int64_t i = 0; i < num; ++i) y[i] = static_cast<double>(i) * delta + start;
  }
  if (endpoint && num > 1) y.back() = stop;
  return y;
}

std::vector<double> arange(double start, double stop, double step) {
  const double len = std::ceil((stop - start) / step);
  const int64_t n = len > 0 ? static_cast<int64_t>(len) : 0;
  std::vector<double> y(static_cast<size_t>(n));
  if (n == 0) return y;
  y[0] = start;
  if (n == 1) return y;
  y[1] = start + step;
  const double delta = y[1] - y[0];
  for (int64_t i = 2; i < n; ++i) y[i] = start + static_cast<double>(i) * delta;
  return y;
}

double roundHalfEven(double x) {
  // nearbyint honours the current rounding mode, which is round-to-nearest-even unless someone
  // changed it; pin it so a caller's fesetround cannot shift timesteps.
  const int saved = std::fegetround();
  std::fesetround(FE_TONEAREST);
  const double r = std::nearbyint(x);
  std::fesetround(saved);
  return r;
}

std::vector<double> interpUnitGrid(const std::vector<double>& x, const std::vector<double>& fp) {
  const int64_t n = static_cast<int64_t>(fp.size());
  std::vector<double> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    if (std::isnan(v)) {
      out[i] = v;
    } else if (v < 0) {
      out[i] = fp.front();
    } else if (v > static_cast<double>(n - 1)) {
      out[i] = fp.back();
    } else {
      const int64_t j = static_cast<int64_t>(std::floor(v));
      if (j >= n - 1 || static_cast<double>(j) == v) {
        out[i] = fp[j];
      } else {
        const double slope = fp[j + 1] - fp[j];  // numpy divides by xp[j+1]-xp[j], exactly 1 here
        out[i] = slope * (v - static_cast<double>(j)) + fp[j];
      }
    }
  }
  return out;
}

std::vector<double> toDoubles(const at::Tensor& t) {
  auto c = t.detach().to(at::kCPU, at::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

at::Tensor fromDoubles(const std::vector<double>& values, at::ScalarType dtype) {
  auto t = at::empty({static_cast<int64_t>(values.size())}, at::kDouble);
  std::copy(values.begin(), values.end(), t.data_ptr<double>());
  return t.to(dtype);
}

}  // namespace ppd::npcompat
