#pragma once
#include <ATen/ATen.h>

#include "engine/models/layers.h"

namespace ppd {

// transformers' CLIPAttention: multi-head self-attention with biased q/k/v/out projections.
// Shared by the CLIP text tower (causal) and the vision tower (not causal).
class ClipAttention {
 public:
  ClipAttention() = default;
  ClipAttention(const ParamScope& s, int64_t hiddenSize, int64_t numHeads);
  // x: [batch, tokens, hidden].
  at::Tensor forward(const at::Tensor& x, bool causal) const;

  Linear q_proj, k_proj, v_proj, out_proj;

 private:
  int64_t numHeads_ = 1;
};

}  // namespace ppd
