#include "engine/models/unet/feed_forward.h"

namespace ppd::unet {

FeedForward::FeedForward(const ParamScope& s, int64_t dim, int64_t inner)
    : net_0_proj(s.sub("net").sub(0).sub("proj"), dim, inner * 2), net_2(s.sub("net").sub(2), inner, dim) {}

at::Tensor FeedForward::operator()(const at::Tensor& x) const {
  // The value half comes first, the gate second (diffusers' chunk order); exact (erf) gelu.
  const auto parts = net_0_proj(x).chunk(2, -1);
  return net_2(parts[0] * at::gelu(parts[1]));
}

}  // namespace ppd::unet
