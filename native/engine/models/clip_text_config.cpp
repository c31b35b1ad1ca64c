#include "engine/models/clip_text_config.h"

#include "engine/core/error.h"
#include "engine/models/config_limits.h"

namespace ppd {

ClipTextConfig ClipTextConfig::fromJson(const JsonView& json) {
  ClipTextConfig c;
  checkIntegers(json, "vocab_size", kVocabRange);
  for (const char* key : {"hidden_size", "intermediate_size", "projection_dim"}) checkIntegers(json, key, kChannelsRange);
  checkIntegers(json, "num_hidden_layers", kLayersRange);
  checkIntegers(json, "num_attention_heads", kHeadsRange);
  checkIntegers(json, "max_position_embeddings", kPositionsRange);
  checkIntegers(json, "eos_token_id", kTokenIdRange);
  c.vocabSize = json.get<int64_t>("vocab_size");
  c.hiddenSize = json.get<int64_t>("hidden_size");
  c.intermediateSize = json.get<int64_t>("intermediate_size");
  c.numHiddenLayers = json.get<int64_t>("num_hidden_layers");
  c.numAttentionHeads = json.get<int64_t>("num_attention_heads");
  c.maxPositionEmbeddings = json.get<int64_t>("max_position_embeddings", c.maxPositionEmbeddings);
  c.projectionDim = json.get<int64_t>("projection_dim", c.projectionDim);
  c.hiddenAct = json.get<std::string>("hidden_act", c.hiddenAct);
  c.layerNormEps = json.get<double>("layer_norm_eps", c.layerNormEps);
  c.eosTokenId = json.get<int64_t>("eos_token_id", c.eosTokenId);
  auto positive = [&](const char* key, int64_t v) {
    if (v <= 0) fail(ErrorCode::ModelLoad, json.source() + ": key \"" + key + "\" must be positive (" + std::to_string(v) + ")");
  };
  positive("vocab_size", c.vocabSize);
  positive("hidden_size", c.hiddenSize);
  positive("intermediate_size", c.intermediateSize);
  positive("num_hidden_layers", c.numHiddenLayers);
  positive("num_attention_heads", c.numAttentionHeads);
  positive("max_position_embeddings", c.maxPositionEmbeddings);
  positive("projection_dim", c.projectionDim);
  if (c.hiddenSize % c.numAttentionHeads != 0)
    fail(ErrorCode::ModelLoad, json.source() + ": \"hidden_size\" " + std::to_string(c.hiddenSize) +
                                   " is not divisible by \"num_attention_heads\" " + std::to_string(c.numAttentionHeads));
  if (c.hiddenAct != "quick_gelu" && c.hiddenAct != "gelu")
    fail(ErrorCode::ModelLoad, json.source() + ": key \"hidden_act\" has unsupported value \"" + c.hiddenAct +
                                   "\" (CLIP text encoders use quick_gelu or gelu)");
  return c;
}

}  // namespace ppd
