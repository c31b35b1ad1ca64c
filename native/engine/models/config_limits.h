#pragma once
#include <cstdint>
#include <string>

#include "engine/core/json_file.h"

namespace ppd {

// Ranges for the integers of engine model configs. They are far beyond any released checkpoint
// (SDXL: 3 blocks, 10 transformer layers, 2048 channels; CLIP bigG: 32 layers, vocab 49408) and
// small enough that a config alone can never make the engine allocate gigabytes: a hostile value
// (layers_per_block: 1e9, num_hidden_layers: 1e30) is ERR_MODEL_LOAD naming the file, key and value.
struct IntRange {
  int64_t min;
  int64_t max;
};
inline constexpr IntRange kLayersRange{1, 128};             // layers_per_block, num_hidden_layers
inline constexpr IntRange kTransformerDepthRange{0, 64};    // transformer_layers_per_block entries
// Transformer blocks of a whole UNet (SDXL: 70): bounds the work of building it even on meta tensors.
inline constexpr int64_t kMaxUNetTransformerBlocks = 2048;
inline constexpr IntRange kHeadsRange{1, 1024};             // num_attention_heads, attention_head_dim
inline constexpr IntRange kChannelsRange{1, 65536};         // hidden sizes, channels, projection dims
inline constexpr IntRange kVocabRange{1, 1 << 21};          // vocab_size
inline constexpr IntRange kPositionsRange{1, 1 << 16};      // max_position_embeddings
inline constexpr IntRange kTokenIdRange{0, 1 << 21};        // eos_token_id
inline constexpr IntRange kKernelRange{1, 31};              // conv kernels
inline constexpr IntRange kBlocksRange{1, 16};              // number of UNet / VAE blocks
inline constexpr IntRange kImageChannelsRange{1, 16};       // CLIP vision num_channels (RGB: 3)
inline constexpr IntRange kImageSizeRange{1, 8192};         // CLIP vision image_size (224, 336)
inline constexpr IntRange kPatchSizeRange{1, 1024};         // CLIP vision patch_size (14, 16, 32)

// Checks `key` if present: an integer, or (nested) lists of integers, each within `range`.
// Anything else is ERR_MODEL_LOAD: a number that is not an integer in range (1e30, 2.5, -1) names
// the range and the value as written; a string, bool or object is "has the wrong type".
void checkIntegers(const JsonView& json, const std::string& key, IntRange range);

// Checks that a list under `key`, if present, has at most `range.max` entries.
void checkListLength(const JsonView& json, const std::string& key, IntRange range);

}  // namespace ppd
