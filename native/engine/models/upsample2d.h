#pragma once
#include <ATen/ATen.h>

#include <string>

#include <optional>

#include "engine/models/layers.h"

namespace ppd {

// diffusers' Upsample2D with use_conv, as the UNet and the VAE decoder build it (out = in channels):
// nearest-neighbour resize, then a 3x3 convolution. Key `<prefix>.conv`.
class Upsample2D {
 public:
  Upsample2D(const ParamScope& s, int64_t channels);
  // Without `size`: twice the input's H and W (diffusers' scale_factor 2, the VAE). The UNet passes
  // the spatial size of the skip connection the result is concatenated with: twice the input when the
  // latent is divisible by 2^(levels-1) (same nearest indices as scale 2), otherwise diffusers'
  // forward_upsample_size path, needed for latents that stop halving evenly.
  at::Tensor forward(const at::Tensor& x, std::optional<c10::IntArrayRef> size = std::nullopt) const;

  Conv2d conv;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd
