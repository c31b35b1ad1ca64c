#pragma once
#include <ATen/ATen.h>

#include <string>

#include <vector>

#include "engine/models/attention_block.h"
#include "engine/models/resnet_block2d.h"

namespace ppd {

// diffusers' UNetMidBlock2D: resnets.0, then numLayers x (attentions.i, resnets.i+1).
// The VAE decoder uses numLayers 1 with attention and no time embedding; SSD-1B's UNet uses
// numLayers 0 and no attention (a single ResNet with time embedding, in place of the
// cross-attention mid block). The attention's GroupNorm takes the resnets' groups and eps, as in
// diffusers; its rescale_output_factor (= output_scale_factor) is 1 wherever attention is used.
class UNetMidBlock2D {
 public:
  UNetMidBlock2D() = default;
  UNetMidBlock2D(const ParamScope& s, int64_t channels, int64_t numLayers, bool addAttention,
                 const ResnetOptions& resnet);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb = at::Tensor()) const;

  std::vector<ResnetBlock2D> resnets;
  std::vector<AttentionBlock> attentions;  // empty without attention
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd
