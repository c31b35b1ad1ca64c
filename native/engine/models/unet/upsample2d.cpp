#include "engine/models/unet/upsample2d.h"

namespace ppd::unet {

Upsample2D::Upsample2D(const ParamScope& s, int64_t channels) : conv(s.sub("conv"), channels, channels, 3, 1, 1) {}

at::Tensor Upsample2D::operator()(const at::Tensor& x, c10::IntArrayRef size) const {
  return conv(at::upsample_nearest2d(x, size));
}

}  // namespace ppd::unet
