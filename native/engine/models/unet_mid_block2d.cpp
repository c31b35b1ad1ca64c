#include "engine/models/unet_mid_block2d.h"

#include "engine/profiling/trace_scope.h"

namespace ppd {

UNetMidBlock2D::UNetMidBlock2D(const ParamScope& s, int64_t channels, int64_t numLayers, bool addAttention,
                               const ResnetOptions& resnet) {
  scopeName = traceName(s);
  const ParamScope resnetScope = s.sub("resnets"), attentionScope = s.sub("attentions");
  resnets.emplace_back(resnetScope.sub(0), channels, channels, resnet);
  for (int64_t i = 0; i < numLayers; ++i) {
    if (addAttention) attentions.emplace_back(attentionScope.sub(i), channels, resnet.groups, resnet.eps);
    resnets.emplace_back(resnetScope.sub(i + 1), channels, channels, resnet);
  }
}

at::Tensor UNetMidBlock2D::forward(const at::Tensor& x, const at::Tensor& temb) const {
  PPD_TRACE_SCOPE(scopeName);
  at::Tensor h = resnets[0].forward(x, temb);
  for (size_t i = 1; i < resnets.size(); ++i) {
    if (!attentions.empty()) h = attentions[i - 1].forward(h);
    h = resnets[i].forward(h, temb);
  }
  return h;
}

}  // namespace ppd
