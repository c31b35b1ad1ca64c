#pragma once
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "engine/models/clip_encoder_layer.h"

namespace ppd {

// transformers' CLIPEncoder: the stack `layers.N`. Returns every hidden state: the input
// followed by the output of each layer (transformers' `output_hidden_states=True` tuple).
class ClipEncoder {
 public:
  ClipEncoder() = default;
  ClipEncoder(const ParamScope& s, int64_t numLayers, int64_t hiddenSize, int64_t intermediateSize, int64_t numHeads,
              const std::string& act, double layerNormEps);
  std::vector<at::Tensor> forward(const at::Tensor& x, bool causal) const;
  // The last layer's output only, without keeping the intermediate states alive (the vision tower).
  at::Tensor lastHiddenState(const at::Tensor& x, bool causal) const;

  std::vector<ClipEncoderLayer> layers;
};

}  // namespace ppd
