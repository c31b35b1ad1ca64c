#include "engine/models/unet/unet_config.h"

#include <algorithm>

#include "engine/core/error.h"
#include "engine/models/config_limits.h"

namespace ppd {
namespace {

[[noreturn]] void badValue(const JsonView& json, const std::string& key, const std::string& why) {
  fail(ErrorCode::ModelLoad, json.source() + ": \"" + key + "\" " + why);
}

// diffusers accepts an int (same for every block) or one entry per block.
template <class T>
std::vector<T> perBlock(const JsonView& json, const std::string& key, const T& fallback, size_t blocks) {
  if (!json.has(key)) return std::vector<T>(blocks, fallback);
  const Json& value = json.raw().at(key);
  if (!value.is_array()) return std::vector<T>(blocks, json.get<T>(key));
  auto list = json.get<std::vector<T>>(key);
  if (list.size() != blocks)
    badValue(json, key, "has " + std::to_string(list.size()) + " entries for " + std::to_string(blocks) + " blocks");
  return list;
}

// One block's transformer depth: an int for all of its layers, or one entry per layer.
std::vector<int64_t> layerDepths(const JsonView& json, const std::string& what, const Json& entry, int64_t layers) {
  if (entry.is_number_integer()) return std::vector<int64_t>(static_cast<size_t>(layers), entry.get<int64_t>());
  if (entry.is_array() && std::all_of(entry.begin(), entry.end(), [](const Json& e) { return e.is_number_integer(); })) {
    auto list = entry.get<std::vector<int64_t>>();
    if (static_cast<int64_t>(list.size()) != layers)
      badValue(json, what, "lists " + std::to_string(list.size()) + " depths for a block of " + std::to_string(layers) +
                               " layers");
    return list;
  }
  badValue(json, what, "must be an int or a list of ints (" + entry.dump() + ")");
}

bool anyTrue(const JsonView& json, const std::string& key) {
  if (!json.has(key)) return false;
  const Json& value = json.raw().at(key);
  if (value.is_array()) return std::any_of(value.begin(), value.end(), [](const Json& v) { return v == true; });
  return value == true;
}

}  // namespace

UNetConfig UNetConfig::fromJson(const JsonView& json) {
  UNetConfig c;
  std::vector<std::string> unsupported;
  auto require = [&](bool ok, const std::string& what) {
    if (!ok) unsupported.push_back(what);
  };
  auto isNull = [&](const std::string& key) { return !json.has(key); };

  for (const char* key : {"block_out_channels", "down_block_types", "up_block_types"})
    checkListLength(json, key, kBlocksRange);
  for (const char* key : {"in_channels", "out_channels", "block_out_channels", "cross_attention_dim", "norm_num_groups",
                          "time_embedding_dim", "addition_time_embed_dim", "projection_class_embeddings_input_dim"})
    checkIntegers(json, key, kChannelsRange);
  checkIntegers(json, "layers_per_block", kLayersRange);
  for (const char* key : {"transformer_layers_per_block", "reverse_transformer_layers_per_block"})
    checkIntegers(json, key, kTransformerDepthRange);
  for (const char* key : {"num_attention_heads", "attention_head_dim"}) checkIntegers(json, key, kHeadsRange);
  for (const char* key : {"conv_in_kernel", "conv_out_kernel"}) checkIntegers(json, key, kKernelRange);
  c.inChannels = json.get<int64_t>("in_channels", 4);
  c.outChannels = json.get<int64_t>("out_channels", 4);
  c.downBlockTypes = json.get<std::vector<std::string>>(
      "down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"});
  c.upBlockTypes = json.get<std::vector<std::string>>(
      "up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"});
  // An explicit null means "no mid block" in diffusers; absent means the default.
  c.midBlockType = json.raw().contains("mid_block_type") && json.raw().at("mid_block_type").is_null()
                       ? "null"
                       : json.get<std::string>("mid_block_type", "UNetMidBlock2DCrossAttn");
  c.blockOutChannels = json.get<std::vector<int64_t>>("block_out_channels", {320, 640, 1280, 1280});
  const size_t blocks = c.downBlockTypes.size();
  if (blocks == 0 || c.blockOutChannels.size() != blocks || c.upBlockTypes.size() != blocks)
    badValue(json, "block_out_channels",
             "down_block_types, up_block_types and block_out_channels must have the same, non-zero length");
  for (const auto& t : c.downBlockTypes)
    require(t == "CrossAttnDownBlock2D" || t == "DownBlock2D", "down block type \"" + t + "\"");
  for (const auto& t : c.upBlockTypes)
    require(t == "CrossAttnUpBlock2D" || t == "UpBlock2D", "up block type \"" + t + "\"");
  require(c.midBlockType == "UNetMidBlock2DCrossAttn" || c.midBlockType == "UNetMidBlock2D",
          "mid_block_type \"" + c.midBlockType + "\"");

  c.layersPerBlock = perBlock<int64_t>(json, "layers_per_block", 2, blocks);
  const std::string headsKey = json.has("num_attention_heads") ? "num_attention_heads" : "attention_head_dim";
  c.numAttentionHeads = perBlock<int64_t>(json, headsKey, 8, blocks);
  c.crossAttentionDim = perBlock<int64_t>(json, "cross_attention_dim", 1280, blocks);
  auto requirePositive = [&](const std::vector<int64_t>& values, const std::string& key) {
    if (std::any_of(values.begin(), values.end(), [](int64_t v) { return v < 1; }))
      badValue(json, key, "must be positive");
  };
  requirePositive(c.blockOutChannels, "block_out_channels");
  requirePositive(c.layersPerBlock, "layers_per_block");
  requirePositive(c.numAttentionHeads, headsKey);
  requirePositive(c.crossAttentionDim, "cross_attention_dim");

  // transformer_layers_per_block: int | [per block: int | [per layer]].
  const Json depthDefault = 1;
  const Json& depths = json.has("transformer_layers_per_block") ? json.raw().at("transformer_layers_per_block")
                                                                  : depthDefault;
  if (depths.is_array() && depths.size() != blocks)
    badValue(json, "transformer_layers_per_block", "needs one entry per block");
  bool perLayerDown = false;
  for (size_t i = 0; i < blocks; ++i) {
    const Json& entry = depths.is_array() ? depths.at(i) : depths;
    perLayerDown = perLayerDown || entry.is_array();
    c.downTransformerLayers.push_back(layerDepths(json, "transformer_layers_per_block", entry, c.layersPerBlock[i]));
  }
  // diffusers gives the mid block transformer_layers_per_block[-1] for its single layer.
  c.midTransformerLayers = c.downTransformerLayers.back().front();
  if (json.has("reverse_transformer_layers_per_block")) {
    const Json& reverse = json.raw().at("reverse_transformer_layers_per_block");
    if (!reverse.is_array() || reverse.size() != blocks)
      badValue(json, "reverse_transformer_layers_per_block", "needs one entry per up block");
    for (size_t i = 0; i < blocks; ++i)
      c.upTransformerLayers.push_back(layerDepths(json, "reverse_transformer_layers_per_block", reverse.at(i),
                                                  c.layersPerBlock[blocks - 1 - i] + 1));
  } else {
    // Without it the up path mirrors the down path, which only works for per-block ints (diffusers
    // refuses per-layer lists here too: an up block has one more layer than its down block).
    if (perLayerDown)
      badValue(json, "reverse_transformer_layers_per_block",
               "is required when transformer_layers_per_block lists per-layer depths");
    for (size_t i = 0; i < blocks; ++i)
      c.upTransformerLayers.push_back(std::vector<int64_t>(static_cast<size_t>(c.layersPerBlock[blocks - 1 - i] + 1),
                                                           c.downTransformerLayers[blocks - 1 - i].front()));
  }

  int64_t transformerBlocks = c.midTransformerLayers;
  for (const auto& block : c.downTransformerLayers)
    for (int64_t d : block) transformerBlocks += d;
  for (const auto& block : c.upTransformerLayers)
    for (int64_t d : block) transformerBlocks += d;
  if (transformerBlocks > kMaxUNetTransformerBlocks)
    badValue(json, "transformer_layers_per_block",
             "with layers_per_block gives " + std::to_string(transformerBlocks) + " transformer blocks, more than " +
                 std::to_string(kMaxUNetTransformerBlocks));

  c.useLinearProjection = json.get<bool>("use_linear_projection", false);
  c.upcastAttention = json.get<bool>("upcast_attention", false);
  c.actFn = json.get<std::string>("act_fn", "silu");
  require(!(json.raw().contains("norm_num_groups") && json.raw().at("norm_num_groups").is_null()),
          "norm_num_groups null (no output norm)");
  c.normNumGroups = json.get<int64_t>("norm_num_groups", 32);
  c.normEps = json.get<double>("norm_eps", 1e-5);
  c.flipSinToCos = json.get<bool>("flip_sin_to_cos", true);
  c.freqShift = json.get<double>("freq_shift", 0);
  c.timeEmbedDim = json.get<int64_t>("time_embedding_dim", c.blockOutChannels[0] * 4);
  c.convInKernel = json.get<int64_t>("conv_in_kernel", 3);
  c.convOutKernel = json.get<int64_t>("conv_out_kernel", 3);
  require(c.convInKernel % 2 == 1 && c.convOutKernel % 2 == 1, "even conv_in_kernel / conv_out_kernel");
  c.midBlockScaleFactor = json.get<double>("mid_block_scale_factor", 1);
  c.resnetOutScaleFactor = json.get<double>("resnet_out_scale_factor", 1);

  c.additionEmbedType = json.get<std::string>("addition_embed_type", "");
  require(c.additionEmbedType.empty() || c.additionEmbedType == "text_time",
          "addition_embed_type \"" + c.additionEmbedType + "\"");
  if (c.additionEmbedType == "text_time") {
    c.additionTimeEmbedDim = json.get<int64_t>("addition_time_embed_dim");
    c.projectionClassEmbeddingsInputDim = json.get<int64_t>("projection_class_embeddings_input_dim");
  }

  // Options of diffusers' UNet2DConditionModel that none of the supported checkpoints use.
  require(!anyTrue(json, "only_cross_attention"), "only_cross_attention");
  require(!anyTrue(json, "dual_cross_attention"), "dual_cross_attention");
  require(!anyTrue(json, "center_input_sample"), "center_input_sample");
  require(!anyTrue(json, "class_embeddings_concat"), "class_embeddings_concat");
  require(!anyTrue(json, "resnet_skip_time_act"), "resnet_skip_time_act");
  for (const char* key : {"class_embed_type", "num_class_embeds", "encoder_hid_dim", "encoder_hid_dim_type",
                          "time_cond_proj_dim", "timestep_post_act", "time_embedding_act_fn", "cross_attention_norm"})
    require(isNull(key), std::string(key) + " (must be null)");
  require(json.get<std::string>("time_embedding_type", "positional") == "positional", "time_embedding_type");
  require(json.get<std::string>("resnet_time_scale_shift", "default") == "default", "resnet_time_scale_shift");
  require(json.get<std::string>("attention_type", "default") == "default", "attention_type");
  require(json.get<int64_t>("downsample_padding", 1) == 1, "downsample_padding (must be 1)");

  if (!unsupported.empty()) {
    std::string list;
    for (const auto& u : unsupported) list += (list.empty() ? "" : "; ") + u;
    fail(ErrorCode::ModelLoad, json.source() + ": unsupported UNet configuration: " + list);
  }
  return c;
}

}  // namespace ppd
