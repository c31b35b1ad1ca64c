#pragma once
#include <ATen/ATen.h>

#include "engine/models/layers.h"
#include "engine/models/unet/block_options.h"

namespace ppd::unet {

// diffusers' ResnetBlock2D as the UNet uses it: time-conditioned ("default" time_embedding_norm:
// the projected embedding is added between the two convolutions), pre-norm, 3x3 convolutions.
// (The VAE uses an unconditioned variant: a separate class outside this folder.)
struct ResnetBlock2D {
  GroupNorm norm1, norm2;
  Conv2d conv1, conv2;
  Linear time_emb_proj;
  Conv2d conv_shortcut;  // 1x1, only when the channel count changes (weight undefined otherwise)
  std::string act;
  double outputScale = 1.0;

  ResnetBlock2D() = default;
  ResnetBlock2D(const ParamScope& s, int64_t in, int64_t out, const ResnetOptions& opt);
  at::Tensor operator()(const at::Tensor& x, const at::Tensor& temb) const;
};

}  // namespace ppd::unet
