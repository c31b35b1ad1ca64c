#pragma once
#include <ATen/ATen.h>

#include "engine/models/layers.h"

namespace ppd::unet {

// diffusers' Upsample2D with use_conv: nearest-neighbour resize, then a 3x3 convolution.
// Key `<prefix>.conv`.
struct Upsample2D {
  Conv2d conv;
  Upsample2D() = default;
  Upsample2D(const ParamScope& s, int64_t channels);
  // `size` is the spatial size of the skip connection the result is concatenated with. When the
  // latent is divisible by 2^(levels-1) that is exactly twice the input (diffusers' scale_factor 2
  // path, same nearest indices); otherwise it is diffusers' forward_upsample_size path.
  at::Tensor operator()(const at::Tensor& x, c10::IntArrayRef size) const;
};

}  // namespace ppd::unet
