#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/layers.h"

namespace ppd {

// The VAE's spatial self-attention (diffusers' Attention as built by UNetMidBlock2D; formerly
// AttentionBlock): GroupNorm, one head over all H*W positions, residual added.
// Accepts the current key names `to_q/to_k/to_v/to_out.0` and the legacy `query/key/value/proj_attn`
// of older exports (SD1.5/SD2.1-era VAEs), as diffusers does on load.
class AttentionBlock {
 public:
  AttentionBlock() = default;
  AttentionBlock(const ParamScope& s, int64_t channels, int64_t groups, double eps);
  at::Tensor forward(const at::Tensor& x) const;

  GroupNorm group_norm;
  Linear to_q, to_k, to_v;
  Linear to_out;  // key `to_out.0` (diffusers' ModuleList [Linear, Dropout])
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd
