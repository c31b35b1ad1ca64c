#include "engine/models/unet/unet_mid_block2d_cross_attn.h"

#include "engine/profiling/trace_scope.h"

namespace ppd::unet {

UNetMidBlock2DCrossAttn::UNetMidBlock2DCrossAttn(const ParamScope& s, int64_t channels, int64_t depth,
                                                 const ResnetOptions& resnet, const TransformerOptions& transformer) {
  scopeName = traceName(s);
  resnets.emplace_back(s.sub("resnets").sub(0), channels, channels, resnet);
  attentions.emplace_back(s.sub("attentions").sub(0), channels, depth, transformer);
  resnets.emplace_back(s.sub("resnets").sub(1), channels, channels, resnet);
}

at::Tensor UNetMidBlock2DCrossAttn::forward(const at::Tensor& x, const at::Tensor& temb,
                                            const at::Tensor& context) const {
  PPD_TRACE_SCOPE(scopeName);
  return resnets[1].forward(attentions[0](resnets[0].forward(x, temb), context), temb);
}

}  // namespace ppd::unet
