#pragma once
#include <ATen/ATen.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/models/aesthetic_mlp.h"
#include "engine/models/clip_vision_model.h"
#include "engine/scoring/clip_image_processor.h"
#include "engine/scoring/clip_text_tower.h"

namespace ppd {

// Everything on the CPU in float32, whatever device and dtype the models run in.
struct ClipScores {
  at::Tensor imageEmbeds;  // [N, projection_dim]
  at::Tensor textEmbeds;   // [T, projection_dim]
  at::Tensor cosine;       // [N, T]
  at::Tensor clipScore;    // [N, T] = max(100 * cosine, 0), torchmetrics' score of one pair
  at::Tensor aesthetic;    // [N]; undefined without an aesthetic model
};

// CLIP score and aesthetic score of images, batched: every image against every text.
class ClipScorer {
 public:
  // `clipDir`: a transformers CLIPModel folder (config.json, model.safetensors, optional
  // preprocessor_config.json). `aestheticPath`: the predictor's .pth or .safetensors, or empty for none.
  // Without `textTower` the `text_model.*`/`text_projection` weights are skipped and only image-side
  // scores are available.
  ClipScorer(const std::string& clipDir, const std::string& aestheticPath, at::TensorOptions options,
             const ClipTextTowerFactory& textTower = nullptr);

  // `images`: [H, W, C] uint8 CPU images (C = 1, 2, 3 or 4; see ClipImageProcessor::toRgb), any sizes.
  // `tokenIds`: [T, 77] int64 token ids from the CLIP tokenizer, or an undefined/empty tensor.
  ClipScores score(const std::vector<at::Tensor>& images, const at::Tensor& tokenIds) const;
  at::Tensor imageEmbeds(const std::vector<at::Tensor>& images) const;  // [N, projection_dim] float32 CPU
  at::Tensor textEmbeds(const at::Tensor& tokenIds) const;               // [T, projection_dim] float32 CPU

  const ClipImageProcessor& processor() const { return processor_; }
  bool hasText() const { return text_ != nullptr; }
  bool hasAesthetic() const { return aesthetic_.has_value(); }

 private:
  at::TensorOptions options_;
  ClipImageProcessor processor_;
  std::unique_ptr<ClipVisionModel> vision_;
  std::unique_ptr<ClipTextTower> text_;
  std::optional<AestheticMlp> aesthetic_;
};

}  // namespace ppd
