#include "engine/scoring/clip_text_tower.h"

#include "engine/core/error.h"

namespace ppd {

ClipTextConfig ClipModelTextTower::textConfig(const JsonView& clipConfig) {
  if (!clipConfig.has("text_config") || !clipConfig.raw().at("text_config").is_object())
    fail(ErrorCode::ModelLoad, clipConfig.source() + ": no \"text_config\" object (not a CLIPModel config)");
  ClipTextConfig config =
      ClipTextConfig::fromJson(JsonView(clipConfig.raw().at("text_config"), clipConfig.source() + " (text_config)"));
  // transformers' CLIPConfig default when the top level does not say.
  config.projectionDim = clipConfig.get<int64_t>("projection_dim", 512);
  if (config.projectionDim <= 0)
    fail(ErrorCode::ModelLoad, clipConfig.source() + ": \"projection_dim\" must be positive");
  return config;
}

ClipModelTextTower::ClipModelTextTower(const JsonView& clipConfig, const ParamScope& root)
    : model_(textConfig(clipConfig), root, /*withProjection=*/true) {}

at::Tensor ClipModelTextTower::textEmbeds(const at::Tensor& inputIds) const {
  const auto& c = config();
  if (inputIds.dim() != 2 || inputIds.scalar_type() != at::kLong || inputIds.size(1) == 0 ||
      inputIds.size(1) > c.maxPositionEmbeddings)
    fail(ErrorCode::InvalidArg, "token ids must be an int64 [texts, tokens] tensor with 1.." +
                                    std::to_string(c.maxPositionEmbeddings) + " tokens per text, got " +
                                    std::string(inputIds.toString()) + " of shape " + c10::str(inputIds.sizes()));
  if (inputIds.size(0) == 0) return at::empty({0, c.projectionDim}, model_.text_projection.weight.options());
  const at::Tensor bad = (inputIds < 0).logical_or(inputIds >= c.vocabSize).any(1).nonzero();
  if (bad.numel() > 0) {
    const int64_t text = bad[0][0].item<int64_t>();
    const at::Tensor row = inputIds[text];
    const int64_t id = row.index({(row < 0).logical_or(row >= c.vocabSize)})[0].item<int64_t>();
    fail(ErrorCode::InvalidArg, "token ids of text " + std::to_string(text) + ": id " + std::to_string(id) +
                                    " is outside the vocabulary [0, " + std::to_string(c.vocabSize) + ")");
  }
  return model_.forward(inputIds).textEmbeds;
}

}  // namespace ppd
