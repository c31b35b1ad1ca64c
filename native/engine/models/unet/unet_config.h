#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/json_file.h"

namespace ppd {

// The parts of a diffusers UNet2DConditionModel config.json that the SD 1.x / 2.x / XL family
// (SD-Turbo, SDXL-Turbo, SSD-1B, Playground v2.5) uses, with diffusers' defaults and its
// int-or-list shorthands expanded to one entry per block (and per layer where diffusers allows it).
struct UNetConfig {
  int64_t inChannels = 4;
  int64_t outChannels = 4;
  std::vector<std::string> downBlockTypes;  // CrossAttnDownBlock2D | DownBlock2D
  std::string midBlockType;                 // UNetMidBlock2DCrossAttn | UNetMidBlock2D
  std::vector<std::string> upBlockTypes;    // CrossAttnUpBlock2D | UpBlock2D
  std::vector<int64_t> blockOutChannels;
  std::vector<int64_t> layersPerBlock;     // per down block; up block i has reversed[i] + 1
  std::vector<int64_t> numAttentionHeads;  // per down block (`num_attention_heads`, else diffusers'
                                           // misnamed `attention_head_dim`, which holds head COUNTS)
  std::vector<int64_t> crossAttentionDim;  // per down block
  std::vector<std::vector<int64_t>> downTransformerLayers;  // [block][layer] transformer depth
  int64_t midTransformerLayers = 1;
  std::vector<std::vector<int64_t>> upTransformerLayers;  // [up block][layer]: reverse_transformer_layers_per_block
                                                          // or the mirrored down path
  bool useLinearProjection = false;
  bool upcastAttention = false;
  std::string actFn = "silu";
  int64_t normNumGroups = 32;
  double normEps = 1e-5;
  bool flipSinToCos = true;
  double freqShift = 0;
  int64_t timeEmbedDim = 0;  // `time_embedding_dim`, else 4 * blockOutChannels[0]
  int64_t convInKernel = 3;
  int64_t convOutKernel = 3;
  double midBlockScaleFactor = 1;
  double resnetOutScaleFactor = 1;
  // SDXL micro-conditioning: "text_time", or empty for none.
  std::string additionEmbedType;
  int64_t additionTimeEmbedDim = 0;
  int64_t projectionClassEmbeddingsInputDim = 0;

  // Validates as it reads: any unsupported option (class embeddings, only/dual cross-attention,
  // fourier time embedding, ...) is one ERR_MODEL_LOAD naming the file and every offending key.
  static UNetConfig fromJson(const JsonView& json);
};

}  // namespace ppd
