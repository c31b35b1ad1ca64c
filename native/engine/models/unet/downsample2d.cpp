#include "engine/models/unet/downsample2d.h"

#include "engine/profiling/trace_scope.h"

namespace ppd::unet {

Downsample2D::Downsample2D(const ParamScope& s, int64_t channels)
    : conv(packedForCpu(Conv2d(s.sub("conv"), channels, channels, 3, 2, 1))), scopeName(traceName(s)) {}

at::Tensor Downsample2D::operator()(const at::Tensor& x) const {
  PPD_TRACE_SCOPE(scopeName);
  return conv(x);
}

}  // namespace ppd::unet
