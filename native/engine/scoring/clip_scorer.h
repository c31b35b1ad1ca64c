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

// Wall-clock milliseconds of one ClipScorer::score call. Device work is complete at each mark
// (the results are copied to the CPU), so the figures hold on CUDA too.
struct ClipScoreTimings {
  double preprocessMs = 0;  // RGB conversion, PIL bicubic resize, crop, normalise (CPU)
  double imageMs = 0;       // vision tower forwards (+ the aesthetic MLP)
  double textMs = 0;        // the text tower forward
  double totalMs = 0;       // everything, including the cosine matrix
};

// Everything on the CPU in float32, whatever device and dtype the models run in.
struct ClipScores {
  at::Tensor imageEmbeds;  // [N, projection_dim]
  at::Tensor textEmbeds;   // [T, projection_dim]
  at::Tensor cosine;       // [N, T] raw cosine similarity (kept so that means can be clamped after averaging)
  at::Tensor clipScore;    // [N, T] = max(100 * cosine, 0), torchmetrics' score of one pair
  at::Tensor logits;       // [N, T] = exp(logit_scale) * cosine, CLIPModel's logits_per_image (PickScore's score)
  at::Tensor aesthetic;    // [N]; undefined without an aesthetic model
  ClipScoreTimings timings;
};

// The two towers of a transformers CLIPModel (`vision_model.*` + `visual_projection.weight`,
// `text_model.*` + `text_projection.weight`); `logit_scale` is read by the scorer straight from the
// weights (in float32, whatever dtype the towers run in).
struct ClipModelTowers {
  std::unique_ptr<ClipVisionModel> vision;
  std::unique_ptr<ClipModelTextTower> text;

  // `config`: the CLIPModel config.json (any widths, depths, heads, gelu or quick_gelu, legacy
  // eos_token_id 2 pooling); one without `vision_config` and `text_config` objects is ERR_MODEL_LOAD
  // naming the file. With a meta-mode loader only names and shapes are built.
  static ClipModelTowers build(const JsonView& config, const ParamScope& root);
};

// CLIP score and aesthetic score of images, batched: every image against every text.
class ClipScorer {
 public:
  // `clipDir`: a transformers CLIPModel folder (config.json and model.safetensors, sharded safetensors,
  // or only pytorch_model.bin, read by the restricted unpickler). `aestheticPath`: the predictor's .pth or
  // .safetensors, or empty for none. `processorDir`: the folder with preprocessor_config.json when it is
  // not the model's own (PickScore takes its processor from another repo; then the file is required);
  // empty = `clipDir`, where a missing file means CLIP's defaults.
  // Problems with any of them are ERR_MODEL_LOAD naming the file.
  ClipScorer(const std::string& clipDir, const std::string& aestheticPath, at::TensorOptions options,
             const std::string& processorDir = "");

  // `images`: [H, W, C] uint8 CPU images (C = 1, 2, 3 or 4; see ClipImageProcessor::toRgb), any sizes;
  // a bad one is ERR_INVALID_ARG naming its index. `tokenIds`: [T, L] int64 token ids from the CLIP
  // tokenizer (L <= 77), or an undefined/empty tensor for image-only scores. Texts run in one forward;
  // images in forwards of `imageBatch` images (0: all in one).
  ClipScores score(const std::vector<at::Tensor>& images, const at::Tensor& tokenIds, int64_t imageBatch = 0) const;
  at::Tensor pixelValues(const std::vector<at::Tensor>& images) const;                   // [N, 3, S, S] float32 CPU
  at::Tensor imageEmbeds(const std::vector<at::Tensor>& images, int64_t imageBatch = 0) const;  // [N, P] float32 CPU
  at::Tensor textEmbeds(const at::Tensor& tokenIds) const;                               // [T, P] float32 CPU

  const ClipImageProcessor& processor() const { return processor_; }
  const ClipVisionConfig& visionConfig() const { return towers_.vision->config(); }
  const ClipTextConfig& textConfig() const { return towers_.text->config(); }
  int64_t projectionDim() const { return visionConfig().projectionDim; }
  bool hasAesthetic() const { return aesthetic_.has_value(); }
  // The learned temperature: `logit_scale` of the weights (the config's logit_scale_init_value when the
  // file has none). Scores multiply the cosine by exp(logitScale()).
  double logitScale() const { return logitScale_; }
  at::TensorOptions options() const { return options_; }

 private:
  at::Tensor embedPixels(const at::Tensor& pixelValues, int64_t imageBatch) const;

  at::TensorOptions options_;
  ClipImageProcessor processor_;
  ClipModelTowers towers_;
  std::optional<AestheticMlp> aesthetic_;
  double logitScale_ = 0;
};

}  // namespace ppd
