#pragma once
#include <cstdint>
#include <string>

#include "engine/core/json_file.h"

namespace ppd {

// transformers' CLIPTextConfig: the fields the text tower needs. Missing optional fields take
// transformers' defaults; the sizes that shape the weights are required.
struct ClipTextConfig {
  int64_t vocabSize = 0;
  int64_t hiddenSize = 0;
  int64_t intermediateSize = 0;
  int64_t numHiddenLayers = 0;
  int64_t numAttentionHeads = 0;
  int64_t maxPositionEmbeddings = 77;
  int64_t projectionDim = 512;  // CLIPModel puts its own at the top level: callers then overwrite this
  std::string hiddenAct = "quick_gelu";
  double layerNormEps = 1e-5;
  // 2 is the value of old exports (all SD checkpoints): it means "pool at the highest token id",
  // which is where EOS sits in the CLIP vocabulary.
  int64_t eosTokenId = 49407;

  // `json` is a text_encoder config.json, or the `text_config` object of a CLIPModel config.
  static ClipTextConfig fromJson(const JsonView& json);
};

}  // namespace ppd
