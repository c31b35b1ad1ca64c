#pragma once
#include <ATen/ATen.h>

#include "engine/models/layers.h"

namespace ppd {

// transformers' CLIPTextEmbeddings: token embedding + learned absolute position embedding.
class ClipTextEmbeddings {
 public:
  ClipTextEmbeddings() = default;
  ClipTextEmbeddings(const ParamScope& s, int64_t vocabSize, int64_t maxPositions, int64_t hiddenSize);
  // ids: [batch, tokens] int64, tokens <= maxPositions.
  at::Tensor forward(const at::Tensor& ids) const;

  Embedding token_embedding, position_embedding;
};

}  // namespace ppd
