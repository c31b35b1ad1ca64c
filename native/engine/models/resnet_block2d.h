#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/layers.h"

namespace ppd {

// What diffusers' blocks (the UNet's get_down_block / get_mid_block / get_up_block, the VAE
// decoder's blocks) hand to every ResnetBlock2D they build.
struct ResnetOptions {
  int64_t tembChannels = 0;  // 0: no time embedding (the VAE)
  int64_t groups = 32;
  double eps = 1e-5;
  std::string act = "silu";
  double outputScale = 1.0;  // output_scale_factor: the UNet's resnet_out_scale_factor / mid_block_scale_factor
};

// diffusers' ResnetBlock2D as the SD UNets and the VAE use it ("default" time_embedding_norm, no
// up/down-sampling inside the block):
//   h = conv1(act(norm1(x))) [+ time_emb_proj(act(temb))]; h = conv2(act(norm2(h)));
//   out = (shortcut(x) + h) / output_scale_factor, with a 1x1 `conv_shortcut` when the channel count changes.
class ResnetBlock2D {
 public:
  ResnetBlock2D(const ParamScope& s, int64_t inChannels, int64_t outChannels, const ResnetOptions& options);
  // x: [B, in, H, W]; temb: [B, tembChannels], needed only when the block has a time embedding
  // (ignored otherwise, as diffusers does).
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb = at::Tensor()) const;

  GroupNorm norm1;
  Conv2d conv1;
  Linear time_emb_proj;  // undefined weight without time embedding
  GroupNorm norm2;
  Conv2d conv2;
  Conv2d conv_shortcut;  // undefined weight when in == out

  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h

 private:
  std::string act_;
  double outputScale_;
};

}  // namespace ppd
