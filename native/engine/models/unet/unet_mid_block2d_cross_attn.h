#pragma once
#include <ATen/ATen.h>

#include <string>

#include <vector>

#include "engine/models/resnet_block2d.h"
#include "engine/models/unet/transformer2d_model.h"

namespace ppd::unet {

// diffusers' UNetMidBlock2DCrossAttn (num_layers 1): resnet, transformer of `depth` blocks, resnet.
struct UNetMidBlock2DCrossAttn {
  std::vector<ResnetBlock2D> resnets;  // two
  std::vector<Transformer2DModel> attentions;  // one

  UNetMidBlock2DCrossAttn(const ParamScope& s, int64_t channels, int64_t depth, const ResnetOptions& resnet,
                          const TransformerOptions& transformer);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context) const;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd::unet
