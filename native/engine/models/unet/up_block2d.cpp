#include "engine/models/unet/up_block2d.h"

#include "engine/core/error.h"
#include "engine/profiling/trace_scope.h"

namespace ppd::unet {

at::Tensor concatSkip(const at::Tensor& x, std::vector<at::Tensor>& skips) {
  if (skips.empty()) fail(ErrorCode::Internal, "UNet up path ran out of skip connections");
  auto out = at::cat({x, skips.back()}, 1);
  skips.pop_back();
  return out;
}

UpBlock2D::UpBlock2D(const ParamScope& s, int64_t in, int64_t prevOut, int64_t out, int64_t layers, bool addUpsample,
                     const ResnetOptions& resnet) {
  scopeName = traceName(s);
  for (int64_t i = 0; i < layers; ++i)
    resnets.emplace_back(s.sub("resnets").sub(i), upResnetInChannels(i, layers, in, prevOut, out), out, resnet);
  if (addUpsample) upsampler.emplace(s.sub("upsamplers").sub(0), out);
}

at::Tensor UpBlock2D::forward(const at::Tensor& x, const at::Tensor& temb, std::vector<at::Tensor>& skips) const {
  PPD_TRACE_SCOPE(scopeName);
  auto h = x;
  for (const auto& resnet : resnets) h = resnet.forward(concatSkip(h, skips), temb);
  if (upsampler) h = upsampler->forward(h, skips.back().sizes().slice(2));
  return h;
}

}  // namespace ppd::unet
