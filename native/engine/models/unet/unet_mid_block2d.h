#pragma once
#include <ATen/ATen.h>

#include "engine/models/unet/block_options.h"
#include "engine/models/unet/resnet_block2d.h"

namespace ppd::unet {

// diffusers' UNetMidBlock2D as get_mid_block builds it for the UNet (num_layers 0, no attention):
// a single ResnetBlock2D. SSD-1B uses it in place of the cross-attention mid block.
struct UNetMidBlock2D {
  std::vector<ResnetBlock2D> resnets;  // exactly one: keys `resnets.0.*`

  UNetMidBlock2D(const ParamScope& s, int64_t channels, const ResnetOptions& resnet);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb) const { return resnets[0](x, temb); }
};

}  // namespace ppd::unet
