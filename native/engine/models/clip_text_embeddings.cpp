#include "engine/models/clip_text_embeddings.h"

namespace ppd {

ClipTextEmbeddings::ClipTextEmbeddings(const ParamScope& s, int64_t vocabSize, int64_t maxPositions,
                                       int64_t hiddenSize)
    : token_embedding(s.sub("token_embedding"), vocabSize, hiddenSize),
      position_embedding(s.sub("position_embedding"), maxPositions, hiddenSize) {
  // Older exports (SD1.5, CLIP-L) still carry the int64 buffer arange(77); positions are implicit here.
  s.skipKey("position_ids");
}

at::Tensor ClipTextEmbeddings::forward(const at::Tensor& ids) const {
  const int64_t tokens = ids.size(1);
  return token_embedding(ids) + position_embedding.weight.slice(0, 0, tokens).unsqueeze(0);
}

}  // namespace ppd
