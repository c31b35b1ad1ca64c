#include "engine/models/clip_vision_model.h"

#include "engine/core/error.h"
#include "engine/models/config_limits.h"

namespace ppd {

ClipVisionConfig ClipVisionConfig::fromJson(const JsonView& config) {
  ClipVisionConfig c;
  const bool nested = config.has("vision_config");
  const Json& visionJson = nested ? config.raw().at("vision_config") : config.raw();
  const JsonView v(visionJson, config.source() + (nested ? " (vision_config)" : ""));
  for (const char* key : {"hidden_size", "intermediate_size", "projection_dim"}) checkIntegers(v, key, kChannelsRange);
  if (nested) checkIntegers(config, "projection_dim", kChannelsRange);
  checkIntegers(v, "num_hidden_layers", kLayersRange);
  checkIntegers(v, "num_attention_heads", kHeadsRange);
  checkIntegers(v, "num_channels", kImageChannelsRange);
  checkIntegers(v, "image_size", kImageSizeRange);
  checkIntegers(v, "patch_size", kPatchSizeRange);
  c.hiddenSize = v.get<int64_t>("hidden_size", c.hiddenSize);
  c.intermediateSize = v.get<int64_t>("intermediate_size", c.intermediateSize);
  c.numHiddenLayers = v.get<int64_t>("num_hidden_layers", c.numHiddenLayers);
  c.numAttentionHeads = v.get<int64_t>("num_attention_heads", c.numAttentionHeads);
  c.numChannels = v.get<int64_t>("num_channels", c.numChannels);
  c.imageSize = v.get<int64_t>("image_size", c.imageSize);
  c.patchSize = v.get<int64_t>("patch_size", c.patchSize);
  c.hiddenAct = v.get<std::string>("hidden_act", c.hiddenAct);
  c.layerNormEps = v.get<double>("layer_norm_eps", c.layerNormEps);
  // CLIPModel projects with its own top-level projection_dim.
  c.projectionDim = nested ? config.get<int64_t>("projection_dim", c.projectionDim)
                           : v.get<int64_t>("projection_dim", c.projectionDim);
  if (c.hiddenSize <= 0 || c.numAttentionHeads <= 0 || c.hiddenSize % c.numAttentionHeads != 0)
    fail(ErrorCode::ModelLoad, v.source() + ": hidden_size " + std::to_string(c.hiddenSize) +
                                   " is not a positive multiple of num_attention_heads " +
                                   std::to_string(c.numAttentionHeads));
  if (c.patchSize <= 0 || c.imageSize <= 0 || c.imageSize % c.patchSize != 0)
    fail(ErrorCode::ModelLoad, v.source() + ": image_size " + std::to_string(c.imageSize) +
                                   " is not a positive multiple of patch_size " + std::to_string(c.patchSize));
  // One position embedding per patch plus the class token, as for the text tower's positions.
  const int64_t side = c.imageSize / c.patchSize;
  if (side * side + 1 > kPositionsRange.max)
    fail(ErrorCode::ModelLoad, v.source() + ": image_size " + std::to_string(c.imageSize) + " / patch_size " +
                                   std::to_string(c.patchSize) + " makes " + std::to_string(side * side + 1) +
                                   " positions, more than " + std::to_string(kPositionsRange.max));
  return c;
}

ClipVisionModel::ClipVisionModel(const ClipVisionConfig& config, const ParamScope& root) : config_(config) {
  const ParamScope vision = root.sub("vision_model");
  const ParamScope embeddings = vision.sub("embeddings");
  const int64_t hidden = config.hiddenSize;
  const int64_t gridSide = config.imageSize / config.patchSize;
  class_embedding = embeddings.take("class_embedding", {hidden});
  patch_embedding = embeddings.sub("patch_embedding")
                        .take("weight", {hidden, config.numChannels, config.patchSize, config.patchSize});
  position_embedding = Embedding(embeddings.sub("position_embedding"), gridSide * gridSide + 1, hidden);
  // Older exports carry the constant `position_ids` buffer.
  root.loader().skipKey(embeddings.sub("position_ids").prefix());
  pre_layrnorm = LayerNorm(vision.sub("pre_layrnorm"), hidden, config.layerNormEps);
  encoder = ClipEncoder(vision.sub("encoder"), config.numHiddenLayers, hidden, config.intermediateSize,
                        config.numAttentionHeads, config.hiddenAct, config.layerNormEps);
  post_layernorm = LayerNorm(vision.sub("post_layernorm"), hidden, config.layerNormEps);
  visual_projection = Linear(root.sub("visual_projection"), hidden, config.projectionDim, /*withBias=*/false);
}

at::Tensor ClipVisionModel::operator()(const at::Tensor& pixelValues) const {
  const auto& c = config_;
  if (pixelValues.dim() != 4 || pixelValues.size(1) != c.numChannels || pixelValues.size(2) != c.imageSize ||
      pixelValues.size(3) != c.imageSize)
    fail(ErrorCode::InvalidArg, "CLIP vision model expects pixel_values [N, " + std::to_string(c.numChannels) + ", " +
                                    std::to_string(c.imageSize) + ", " + std::to_string(c.imageSize) + "], got " +
                                    c10::str(pixelValues.sizes()));
  const int64_t batch = pixelValues.size(0);
  const at::Tensor x = pixelValues.to(patch_embedding.options());
  const at::Tensor patches =
      at::conv2d(x, patch_embedding, {}, {c.patchSize, c.patchSize}).flatten(2).transpose(1, 2);
  const at::Tensor cls = class_embedding.view({1, 1, -1}).expand({batch, 1, -1});
  const at::Tensor embedded = pre_layrnorm(at::cat({cls, patches}, 1) + position_embedding.weight);
  const at::Tensor hidden = encoder.lastHiddenState(embedded, /*causal=*/false);
  return visual_projection(post_layernorm(hidden.select(1, 0)));
}

}  // namespace ppd
