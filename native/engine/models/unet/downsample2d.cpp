#include "engine/models/unet/downsample2d.h"

namespace ppd::unet {

Downsample2D::Downsample2D(const ParamScope& s, int64_t channels) : conv(s.sub("conv"), channels, channels, 3, 2, 1) {}

}  // namespace ppd::unet
