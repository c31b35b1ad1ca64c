#include "engine/models/up_decoder_block2d.h"

#include "engine/profiling/trace_scope.h"

namespace ppd {

UpDecoderBlock2D::UpDecoderBlock2D(const ParamScope& s, int64_t inChannels, int64_t outChannels, int64_t numLayers,
                                   bool addUpsample, const ResnetOptions& resnet) {
  scopeName = traceName(s);
  const ParamScope resnetScope = s.sub("resnets");
  for (int64_t i = 0; i < numLayers; ++i)
    resnets.emplace_back(resnetScope.sub(i), i == 0 ? inChannels : outChannels, outChannels, resnet);
  if (addUpsample) upsamplers.emplace_back(s.sub("upsamplers").sub(0), outChannels);
}

at::Tensor UpDecoderBlock2D::forward(const at::Tensor& x) const {
  PPD_TRACE_SCOPE(scopeName);
  at::Tensor h = x;
  for (const auto& resnet : resnets) h = resnet.forward(h);
  for (const auto& up : upsamplers) h = up.forward(h);
  return h;
}

}  // namespace ppd
