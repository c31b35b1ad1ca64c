#include "engine/models/unet/cross_attn_down_block2d.h"

#include "engine/profiling/trace_scope.h"

namespace ppd::unet {

CrossAttnDownBlock2D::CrossAttnDownBlock2D(const ParamScope& s, int64_t in, int64_t out,
                                           const std::vector<int64_t>& depths, bool addDownsample,
                                           const ResnetOptions& resnet, const TransformerOptions& transformer) {
  scopeName = traceName(s);
  for (size_t i = 0; i < depths.size(); ++i) {
    const auto index = static_cast<int64_t>(i);
    resnets.emplace_back(s.sub("resnets").sub(index), i == 0 ? in : out, out, resnet);
    attentions.emplace_back(s.sub("attentions").sub(index), out, depths[i], transformer);
  }
  if (addDownsample) downsampler.emplace(s.sub("downsamplers").sub(0), out);
}

at::Tensor CrossAttnDownBlock2D::forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context,
                                         std::vector<at::Tensor>& skips) const {
  PPD_TRACE_SCOPE(scopeName);
  auto h = x;
  for (size_t i = 0; i < resnets.size(); ++i) {
    h = attentions[i](resnets[i].forward(h, temb), context);
    skips.push_back(h);
  }
  if (downsampler) {
    h = (*downsampler)(h);
    skips.push_back(h);
  }
  return h;
}

}  // namespace ppd::unet
