#include "engine/schedulers/alphas_table.h"

#include "engine/core/error.h"

namespace ppd {

AlphasTable::AlphasTable(const at::Tensor& alphasCumprod, bool setAlphaToOne)
    : values_(alphasCumprod.to(at::kFloat)),
      final_(setAlphaToOne ? at::scalar_tensor(1.0, at::kFloat) : values_[0]) {}

at::Tensor AlphasTable::at(int64_t t) const {
  const int64_t n = values_.size(0);
  if (t < -n || t >= n)
    fail(ErrorCode::Internal, "timestep " + std::to_string(t) + " is outside the " + std::to_string(n) +
                                  " training timesteps");
  return values_[t];
}

}  // namespace ppd
