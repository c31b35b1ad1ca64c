#pragma once
#include <ATen/ATen.h>

#include <string>

#include <variant>
#include <vector>

#include "engine/models/layers.h"
#include "engine/models/unet/basic_transformer_block.h"

namespace ppd::unet {

// What diffusers' get_down_block / get_mid_block / get_up_block hand to every Transformer2DModel of a block.
struct TransformerOptions {
  int64_t heads = 8;  // config `num_attention_heads`, or diffusers' misnamed `attention_head_dim`
  int64_t crossAttentionDim = 768;
  int64_t groups = 32;
  bool useLinearProjection = false;
  bool upcastAttention = false;
};

// diffusers' Transformer2DModel for continuous input: GroupNorm (eps 1e-6, fixed in diffusers),
// proj_in, `depth` BasicTransformerBlocks over the H*W tokens, proj_out, plus the input (residual).
struct Transformer2DModel {
  GroupNorm norm;
  // SD1 checkpoints store the projections as 1x1 convolutions (applied before flattening to
  // tokens), SD2/SDXL as linear layers (applied after): same math, different keys' shapes.
  std::variant<Conv2d, Linear> proj_in, proj_out;
  std::vector<BasicTransformerBlock> transformer_blocks;

  Transformer2DModel() = default;
  Transformer2DModel(const ParamScope& s, int64_t channels, int64_t depth, const TransformerOptions& opt);
  at::Tensor operator()(const at::Tensor& x, const at::Tensor& context) const;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd::unet
