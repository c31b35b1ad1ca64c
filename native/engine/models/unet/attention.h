#pragma once
#include <ATen/ATen.h>

#include "engine/models/layers.h"

namespace ppd::unet {

// diffusers' Attention as BasicTransformerBlock builds it: bias-free to_q/to_k/to_v, to_out.0
// with bias (to_out.1 is dropout), scale 1/sqrt(headDim), no mask.
struct Attention {
  Linear to_q, to_k, to_v;
  Linear to_out;  // key `to_out.0`
  int64_t heads = 1;
  bool upcast = false;

  Attention() = default;
  // `contextDim` is the width of what keys/values are computed from (queryDim for self-attention).
  Attention(const ParamScope& s, int64_t queryDim, int64_t contextDim, int64_t heads, int64_t headDim, bool upcast);
  // Self-attention when `context` is undefined.
  at::Tensor operator()(const at::Tensor& x, const at::Tensor& context = {}) const;
};

}  // namespace ppd::unet
