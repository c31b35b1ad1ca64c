#pragma once
#include <ATen/ATen.h>

#include "engine/models/layers.h"
#include "engine/models/unet/attention.h"
#include "engine/models/unet/feed_forward.h"

namespace ppd::unet {

// diffusers' BasicTransformerBlock, norm_type "layer_norm" (eps 1e-5): pre-norm self-attention,
// cross-attention on the text states, GEGLU feed-forward (inner 4*dim), each added residually.
struct BasicTransformerBlock {
  LayerNorm norm1, norm2, norm3;
  Attention attn1, attn2;
  FeedForward ff;

  BasicTransformerBlock() = default;
  BasicTransformerBlock(const ParamScope& s, int64_t dim, int64_t heads, int64_t headDim, int64_t crossAttentionDim,
                        bool upcastAttention);
  at::Tensor operator()(const at::Tensor& x, const at::Tensor& context) const;
};

}  // namespace ppd::unet
