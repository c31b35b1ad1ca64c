#include "engine/scoring/clip_scorer.h"

#include <filesystem>

#include "engine/core/error.h"
#include "engine/io/weight_store.h"

namespace ppd {

ClipScorer::ClipScorer(const std::string& clipDir, const std::string& aestheticPath, at::TensorOptions options,
                       const ClipTextTowerFactory& textTower)
    : options_(options), processor_(ClipImageProcessor::fromModelDir(clipDir)) {
  const std::string configPath = (std::filesystem::path(clipDir) / "config.json").string();
  const Json configJson = readJsonFile(configPath);
  const JsonView config(configJson, configPath);
  const WeightStore store = WeightStore::openComponent(clipDir, {"model"}, "");
  WeightLoader loader(&store, options, "CLIP model");
  const ParamScope root(loader);
  vision_ = std::make_unique<ClipVisionModel>(ClipVisionConfig::fromJson(config), root);
  if (textTower) {
    text_ = textTower(config, root);
  } else {
    loader.skipPrefix("text_model.");
    loader.skipKey("text_projection.weight");
  }
  loader.skipKey("logit_scale");  // the contrastive temperature: scores use the plain cosine
  loader.finish();
  if (!aestheticPath.empty()) {
    aesthetic_.emplace(AestheticMlp::load(aestheticPath, options));
    if (aesthetic_->inputSize() != vision_->config().projectionDim)
      fail(ErrorCode::ModelLoad, aestheticPath + ": aesthetic predictor takes " +
                                     std::to_string(aesthetic_->inputSize()) + "-d embeddings but " + clipDir +
                                     " projects to " + std::to_string(vision_->config().projectionDim));
  }
}

at::Tensor ClipScorer::imageEmbeds(const std::vector<at::Tensor>& images) const {
  const at::Tensor pixelValues = processor_(images).to(options_);
  return (*vision_)(pixelValues).to(at::kFloat).cpu();
}

at::Tensor ClipScorer::textEmbeds(const at::Tensor& tokenIds) const {
  if (!text_)
    fail(ErrorCode::Internal, "this CLIP scorer was built without a text tower, so it cannot embed token ids");
  if (tokenIds.dim() != 2 || tokenIds.scalar_type() != at::kLong)
    fail(ErrorCode::InvalidArg, "tokenIds must be an int64 [texts, 77] tensor, got " +
                                    std::string(tokenIds.toString()) + " of shape " + c10::str(tokenIds.sizes()));
  return text_->textEmbeds(tokenIds.to(options_.device())).to(at::kFloat).cpu();
}

ClipScores ClipScorer::score(const std::vector<at::Tensor>& images, const at::Tensor& tokenIds) const {
  ClipScores s;
  s.imageEmbeds = imageEmbeds(images);
  const int64_t dim = s.imageEmbeds.size(1);
  const bool anyText = tokenIds.defined() && tokenIds.numel() > 0;
  s.textEmbeds = anyText ? textEmbeds(tokenIds) : at::empty({0, dim}, at::kFloat);
  auto unit = [](const at::Tensor& x) { return x / at::linalg_vector_norm(x, 2, {-1}, /*keepdim=*/true); };
  s.cosine = at::matmul(unit(s.imageEmbeds), unit(s.textEmbeds).t());
  s.clipScore = at::clamp_min(100 * s.cosine, 0);
  if (aesthetic_) s.aesthetic = aesthetic_->score(s.imageEmbeds.to(options_)).to(at::kFloat).cpu();
  return s;
}

}  // namespace ppd
