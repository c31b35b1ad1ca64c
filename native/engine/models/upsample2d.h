#pragma once
#include <ATen/ATen.h>

#include <optional>
#include <utility>

#include "engine/models/layers.h"

namespace ppd {

// diffusers' Upsample2D with use_conv: nearest-neighbour x2 (or to an explicit size), then a 3x3 conv.
class Upsample2D {
 public:
  Upsample2D() = default;
  Upsample2D(const ParamScope& s, int64_t channels, int64_t outChannels);
  // outputSize (H, W): the UNet's skip-connection size when the latent is not a multiple of 2^levels.
  at::Tensor forward(const at::Tensor& x, std::optional<std::pair<int64_t, int64_t>> outputSize = std::nullopt) const;

  Conv2d conv;
};

}  // namespace ppd
