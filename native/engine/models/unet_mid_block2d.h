#pragma once
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "engine/models/attention_block.h"
#include "engine/models/resnet_block2d.h"

namespace ppd {

// diffusers' UNetMidBlock2D: resnets.0, then numLayers x (attentions.i, resnets.i+1).
// The VAE decoder uses numLayers 1 with attention and no time embedding; SSD-1B's UNet uses
// numLayers 0 (a single ResNet with time embedding). Output scale factor 1 (all SD models).
class UNetMidBlock2D {
 public:
  UNetMidBlock2D() = default;
  UNetMidBlock2D(const ParamScope& s, int64_t channels, int64_t tembChannels, int64_t groups, double eps,
                 const std::string& act, int64_t numLayers, bool addAttention);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb = at::Tensor()) const;

  std::vector<ResnetBlock2D> resnets;
  std::vector<AttentionBlock> attentions;  // empty without attention
};

}  // namespace ppd
