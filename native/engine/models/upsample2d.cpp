#include "engine/models/upsample2d.h"

namespace ppd {

Upsample2D::Upsample2D(const ParamScope& s, int64_t channels, int64_t outChannels)
    : conv(s.sub("conv"), channels, outChannels, 3, 1, 1) {}

at::Tensor Upsample2D::forward(const at::Tensor& x, std::optional<std::pair<int64_t, int64_t>> outputSize) const {
  const auto [h, w] = outputSize.value_or(std::make_pair(x.size(2) * 2, x.size(3) * 2));
  return conv(at::upsample_nearest2d(x, {h, w}));
}

}  // namespace ppd
