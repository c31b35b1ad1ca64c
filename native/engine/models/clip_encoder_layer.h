#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/clip_attention.h"
#include "engine/models/clip_mlp.h"
#include "engine/models/layers.h"

namespace ppd {

// transformers' CLIPEncoderLayer (pre-LayerNorm): x + attn(ln1(x)), then + mlp(ln2(x)).
class ClipEncoderLayer {
 public:
  ClipEncoderLayer() = default;
  ClipEncoderLayer(const ParamScope& s, int64_t hiddenSize, int64_t intermediateSize, int64_t numHeads,
                   const std::string& act, double layerNormEps);
  at::Tensor forward(const at::Tensor& x, bool causal) const;

  LayerNorm layer_norm1;
  ClipAttention self_attn;
  LayerNorm layer_norm2;
  ClipMlp mlp;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd
