#pragma once
#include <ATen/ATen.h>

#include <vector>

#include "engine/models/clip_encoder.h"
#include "engine/models/clip_text_config.h"
#include "engine/models/clip_text_embeddings.h"
#include "engine/models/layers.h"

namespace ppd {

struct ClipTextOutput {
  at::Tensor lastHiddenState;           // [B, T, hidden], after final_layer_norm
  std::vector<at::Tensor> hiddenStates;  // embeddings output, then each layer's output (no final LN);
                                         // hiddenStates[size-2] is SDXL's "penultimate layer"
  at::Tensor pooledOutput;              // [B, hidden]: lastHiddenState at the EOS token
  at::Tensor textEmbeds;                // [B, projection]: projected pooledOutput (with projection only)
};

// transformers' CLIPTextTransformer (`text_model.*`): embeddings, causal encoder, final LayerNorm,
// EOS pooling.
class ClipTextTransformer {
 public:
  ClipTextTransformer() = default;
  ClipTextTransformer(const ClipTextConfig& config, const ParamScope& s);
  // ids: [batch, tokens] int64. Fills everything but textEmbeds.
  ClipTextOutput forward(const at::Tensor& ids) const;

  ClipTextEmbeddings embeddings;
  ClipEncoder encoder;
  LayerNorm final_layer_norm;

 private:
  ClipTextConfig config_;
};

}  // namespace ppd
