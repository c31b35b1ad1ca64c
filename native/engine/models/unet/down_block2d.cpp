#include "engine/models/unet/down_block2d.h"

#include "engine/profiling/trace_scope.h"

namespace ppd::unet {

DownBlock2D::DownBlock2D(const ParamScope& s, int64_t in, int64_t out, int64_t layers, bool addDownsample,
                         const ResnetOptions& resnet) {
  scopeName = traceName(s);
  for (int64_t i = 0; i < layers; ++i) resnets.emplace_back(s.sub("resnets").sub(i), i == 0 ? in : out, out, resnet);
  if (addDownsample) downsampler.emplace(s.sub("downsamplers").sub(0), out);
}

at::Tensor DownBlock2D::forward(const at::Tensor& x, const at::Tensor& temb, std::vector<at::Tensor>& skips) const {
  PPD_TRACE_SCOPE(scopeName);
  auto h = x;
  for (const auto& resnet : resnets) {
    h = resnet.forward(h, temb);
    skips.push_back(h);
  }
  if (downsampler) {
    h = (*downsampler)(h);
    skips.push_back(h);
  }
  return h;
}

}  // namespace ppd::unet
