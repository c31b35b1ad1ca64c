#include "engine/models/upsample2d.h"

#include "engine/profiling/trace_scope.h"

namespace ppd {

Upsample2D::Upsample2D(const ParamScope& s, int64_t channels) : conv(packedForCpu(Conv2d(s.sub("conv"), channels, channels, 3, 1, 1))) {
  scopeName = traceName(s);
}

at::Tensor Upsample2D::forward(const at::Tensor& x, std::optional<c10::IntArrayRef> size) const {
  PPD_TRACE_SCOPE(scopeName);
  if (size) return conv(at::upsample_nearest2d(x, *size));
  return conv(at::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2}));
}

}  // namespace ppd
