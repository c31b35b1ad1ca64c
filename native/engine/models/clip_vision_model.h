#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/core/json_file.h"
#include "engine/models/clip_encoder.h"
#include "engine/models/layers.h"

namespace ppd {

// CLIPVisionConfig (transformers defaults where a key is absent) plus the CLIPModel's projection_dim.
struct ClipVisionConfig {
  int64_t hiddenSize = 768;
  int64_t intermediateSize = 3072;
  int64_t numHiddenLayers = 12;
  int64_t numAttentionHeads = 12;
  int64_t numChannels = 3;
  int64_t imageSize = 224;
  int64_t patchSize = 32;
  std::string hiddenAct = "quick_gelu";
  double layerNormEps = 1e-5;
  int64_t projectionDim = 512;

  // A CLIPModel config.json (`vision_config` + top-level `projection_dim`) or a bare vision config
  // (CLIPVisionModelWithProjection).
  static ClipVisionConfig fromJson(const JsonView& config);
};

// CLIPVisionTransformer + `visual_projection`, i.e. CLIPModel.get_image_features: patch embedding
// (conv without bias) with a class token and learned positions, `pre_layrnorm` (sic, the transformers
// key), the encoder (the text tower's, without the causal mask), `post_layernorm` of the class token,
// then the bias-free projection.
// Keys `vision_model.*` and `visual_projection.weight` under `root`.
class ClipVisionModel {
 public:
  ClipVisionModel(const ClipVisionConfig& config, const ParamScope& root);
  // pixel_values [N, channels, image_size, image_size] → image_embeds [N, projection_dim].
  at::Tensor operator()(const at::Tensor& pixelValues) const;
  const ClipVisionConfig& config() const { return config_; }

  at::Tensor class_embedding;
  at::Tensor patch_embedding;  // conv weight [hidden, channels, patch, patch]
  Embedding position_embedding;
  LayerNorm pre_layrnorm;
  ClipEncoder encoder;
  LayerNorm post_layernorm;
  Linear visual_projection;

 private:
  ClipVisionConfig config_;
};

}  // namespace ppd
