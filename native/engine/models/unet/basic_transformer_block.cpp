#include "engine/models/unet/basic_transformer_block.h"

namespace ppd::unet {

BasicTransformerBlock::BasicTransformerBlock(const ParamScope& s, int64_t dim, int64_t heads, int64_t headDim,
                                             int64_t crossAttentionDim, bool upcastAttention)
    : norm1(s.sub("norm1"), dim, 1e-5),
      norm2(s.sub("norm2"), dim, 1e-5),
      norm3(s.sub("norm3"), dim, 1e-5),
      attn1(s.sub("attn1"), dim, dim, heads, headDim, upcastAttention),
      attn2(s.sub("attn2"), dim, crossAttentionDim, heads, headDim, upcastAttention),
      ff(s.sub("ff"), dim, dim * 4) {}

at::Tensor BasicTransformerBlock::operator()(const at::Tensor& x, const at::Tensor& context) const {
  auto h = attn1(norm1(x)) + x;
  h = attn2(norm2(h), context) + h;
  return ff(norm3(h)) + h;
}

}  // namespace ppd::unet
