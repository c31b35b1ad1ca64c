#pragma once
#include <cstdint>
#include <string>

#include "engine/core/error.h"
#include "engine/io/weight_loader.h"

namespace ppd::unet {

// GroupNorm needs whole groups: a config that breaks this fails at load time, naming the module,
// rather than inside the first denoising step.
inline void requireWholeGroups(const ParamScope& s, int64_t channels, int64_t groups) {
  if (groups < 1 || channels % groups != 0)
    fail(ErrorCode::ModelLoad, s.prefix() + ": " + std::to_string(channels) + " channels do not split into " +
                                   std::to_string(groups) + " norm groups");
}

// What diffusers' get_down_block / get_mid_block / get_up_block hand to every ResnetBlock2D of a block.
struct ResnetOptions {
  int64_t tembChannels = 0;
  int64_t groups = 32;
  double eps = 1e-5;
  std::string act = "silu";
  double outputScale = 1.0;  // resnet_out_scale_factor (mid_block_scale_factor in the mid block)
};

// What they hand to every Transformer2DModel of a block.
struct TransformerOptions {
  int64_t heads = 8;  // config `num_attention_heads`, or diffusers' misnamed `attention_head_dim`
  int64_t crossAttentionDim = 768;
  int64_t groups = 32;
  bool useLinearProjection = false;
  bool upcastAttention = false;
};

}  // namespace ppd::unet
