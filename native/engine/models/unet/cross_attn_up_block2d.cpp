#include "engine/models/unet/cross_attn_up_block2d.h"

#include "engine/models/unet/up_block2d.h"
#include "engine/profiling/trace_scope.h"

namespace ppd::unet {

CrossAttnUpBlock2D::CrossAttnUpBlock2D(const ParamScope& s, int64_t in, int64_t prevOut, int64_t out,
                                       const std::vector<int64_t>& depths, bool addUpsample,
                                       const ResnetOptions& resnet, const TransformerOptions& transformer) {
  scopeName = traceName(s);
  const auto layers = static_cast<int64_t>(depths.size());
  for (int64_t i = 0; i < layers; ++i) {
    resnets.emplace_back(s.sub("resnets").sub(i), upResnetInChannels(i, layers, in, prevOut, out), out, resnet);
    attentions.emplace_back(s.sub("attentions").sub(i), out, depths[static_cast<size_t>(i)], transformer);
  }
  if (addUpsample) upsampler.emplace(s.sub("upsamplers").sub(0), out);
}

at::Tensor CrossAttnUpBlock2D::forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context,
                                       std::vector<at::Tensor>& skips) const {
  PPD_TRACE_SCOPE(scopeName);
  auto h = x;
  for (size_t i = 0; i < resnets.size(); ++i)
    h = attentions[i](resnets[i].forward(concatSkip(h, skips), temb), context);
  if (upsampler) h = upsampler->forward(h, skips.back().sizes().slice(2));
  return h;
}

}  // namespace ppd::unet
