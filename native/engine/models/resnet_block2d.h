#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/layers.h"

namespace ppd {

// diffusers' ResnetBlock2D as used by the SD UNets and the VAE ("default" time-embedding norm,
// output_scale_factor 1, no up/down-sampling inside the block):
//   h = conv1(act(norm1(x))) [+ time_emb_proj(act(temb))]; h = conv2(act(norm2(h)));
//   out = shortcut(x) + h, with a 1x1 `conv_shortcut` when the channel count changes.
class ResnetBlock2D {
 public:
  ResnetBlock2D() = default;
  // tembChannels == 0: no time embedding (the VAE).
  ResnetBlock2D(const ParamScope& s, int64_t inChannels, int64_t outChannels, int64_t tembChannels, int64_t groups,
                double eps, std::string act);
  // x: [B, in, H, W]; temb: [B, tembChannels] or undefined (ignored when the block has none, as diffusers does).
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb = at::Tensor()) const;

  GroupNorm norm1;
  Conv2d conv1;
  Linear time_emb_proj;  // undefined weight without time embedding
  GroupNorm norm2;
  Conv2d conv2;
  Conv2d conv_shortcut;  // undefined weight when in == out

 private:
  std::string act_;
};

}  // namespace ppd
