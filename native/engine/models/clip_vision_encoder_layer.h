#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/layers.h"

namespace ppd {

// transformers' CLIPEncoderLayer as the vision tower uses it (bidirectional attention, no mask):
// pre-norm self-attention (`self_attn.{q,k,v,out}_proj`, `layer_norm1`) and MLP (`mlp.fc1/fc2`,
// `layer_norm2`), each added back to the residual stream.
class ClipVisionEncoderLayer {
 public:
  ClipVisionEncoderLayer(const ParamScope& s, int64_t hiddenSize, int64_t intermediateSize, int64_t numHeads,
                         std::string hiddenAct, double layerNormEps);
  at::Tensor operator()(const at::Tensor& hidden) const;  // [N, tokens, hidden]

  Linear q_proj, k_proj, v_proj, out_proj;  // self_attn.*
  LayerNorm layer_norm1, layer_norm2;
  Linear fc1, fc2;  // mlp.*

 private:
  int64_t numHeads_;
  std::string hiddenAct_;
};

}  // namespace ppd
