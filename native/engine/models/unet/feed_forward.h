#pragma once
#include <ATen/ATen.h>

#include "engine/models/layers.h"

namespace ppd::unet {

// diffusers' FeedForward with activation_fn "geglu" (the only one the SD/SDXL UNets use):
// net.0 = GEGLU (one projection to 2*inner, value * gelu(gate)), net.1 = dropout, net.2 = Linear.
struct FeedForward {
  Linear net_0_proj;  // key `net.0.proj`
  Linear net_2;       // key `net.2`

  FeedForward() = default;
  FeedForward(const ParamScope& s, int64_t dim, int64_t inner);
  at::Tensor operator()(const at::Tensor& x) const;
};

}  // namespace ppd::unet
