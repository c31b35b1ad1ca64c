#include "engine/models/clip_text_transformer.h"

#include "engine/core/error.h"

namespace ppd {

ClipTextTransformer::ClipTextTransformer(const ClipTextConfig& c, const ParamScope& s)
    : embeddings(s.sub("embeddings"), c.vocabSize, c.maxPositionEmbeddings, c.hiddenSize),
      encoder(s.sub("encoder"), c.numHiddenLayers, c.hiddenSize, c.intermediateSize, c.numAttentionHeads, c.hiddenAct,
              c.layerNormEps),
      final_layer_norm(s.sub("final_layer_norm"), c.hiddenSize, c.layerNormEps),
      config_(c) {}

ClipTextOutput ClipTextTransformer::forward(const at::Tensor& ids) const {
  if (ids.dim() != 2 || ids.scalar_type() != at::kLong)
    fail(ErrorCode::InvalidArg, "CLIP text encoder: token ids must be an int64 tensor [batch, tokens], got " +
                                    std::string(c10::toString(ids.scalar_type())) + " " + c10::str(ids.sizes()));
  if (ids.size(1) < 1 || ids.size(1) > config_.maxPositionEmbeddings)
    fail(ErrorCode::InvalidArg, "CLIP text encoder: " + std::to_string(ids.size(1)) + " tokens (1 to " +
                                    std::to_string(config_.maxPositionEmbeddings) + " allowed)");
  const auto range = at::aminmax(ids);
  const int64_t lo = std::get<0>(range).item<int64_t>(), hi = std::get<1>(range).item<int64_t>();
  if (lo < 0 || hi >= config_.vocabSize)
    fail(ErrorCode::InvalidArg, "CLIP text encoder: token ids must lie in [0, " + std::to_string(config_.vocabSize) +
                                    "), got [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");

  ClipTextOutput out;
  out.hiddenStates = encoder.forward(embeddings.forward(ids), /*causal=*/true);
  out.lastHiddenState = final_layer_norm(out.hiddenStates.back());
  // transformers' rule: eos_token_id == 2 marks old configs whose EOS is the largest id, so pool
  // at argmax(ids); otherwise at the first occurrence of eos_token_id.
  const at::Tensor eosIndex =
      config_.eosTokenId == 2 ? ids.argmax(-1) : ids.eq(config_.eosTokenId).to(at::kInt).argmax(-1);
  const int64_t batch = ids.size(0), hidden = out.lastHiddenState.size(2);
  out.pooledOutput = out.lastHiddenState.gather(1, eosIndex.view({batch, 1, 1}).expand({batch, 1, hidden})).squeeze(1);
  return out;
}

}  // namespace ppd
