#include "engine/scoring/clip_scorer.h"

#include <c10/core/InferenceMode.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "engine/core/error.h"
#include "engine/io/model_path.h"
#include "engine/io/torch_pickle.h"
#include "engine/io/weight_store.h"

namespace ppd {
namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

at::Tensor unit(const at::Tensor& x) { return x / at::linalg_vector_norm(x, 2, {-1}, /*keepdim=*/true); }

// model.safetensors (or its sharded index) first; a folder with only pytorch_model.bin (older hub repos
// such as PickScore_v1 before its safetensors upload) goes through the restricted unpickler.
WeightStore openClipWeights(const std::string& dir) {
  namespace fs = std::filesystem;
  if (WeightStore::componentExists(dir, {"model"}, "")) return WeightStore::openComponent(dir, {"model"}, "");
  const std::string bin = (fs::path(dir) / "pytorch_model.bin").string();
  if (statModelPath(bin) != PathKind::Missing) {
    requireRegularFile(bin);
    return WeightStore::fromTensors(bin, loadTorchStateDict(bin));
  }
  fail(ErrorCode::ModelLoad, dir + ": no weights found (looked for model.safetensors, "
                                   "model.safetensors.index.json and pytorch_model.bin)");
}

double readLogitScale(const WeightStore& store, const JsonView& config) {
  if (!store.contains("logit_scale")) return config.get<double>("logit_scale_init_value", 2.6592);
  const at::Tensor t = store.view("logit_scale");
  if (t.numel() != 1)
    fail(ErrorCode::ModelLoad, store.fileOf("logit_scale") + ": \"logit_scale\" must hold one value, has shape " +
                                   c10::str(t.sizes()));
  const double v = t.to(at::kDouble).item<double>();
  if (!std::isfinite(v))
    fail(ErrorCode::ModelLoad, store.fileOf("logit_scale") + ": \"logit_scale\" is not finite");
  return v;
}

}  // namespace

ClipModelTowers ClipModelTowers::build(const JsonView& config, const ParamScope& root) {
  for (const char* key : {"vision_config", "text_config"})
    if (!config.has(key) || !config.raw().at(key).is_object())
      fail(ErrorCode::ModelLoad, config.source() + ": not a transformers CLIPModel config (no \"" + key +
                                     "\" object; architectures should be [\"CLIPModel\"])");
  ClipModelTowers towers;
  towers.vision = std::make_unique<ClipVisionModel>(ClipVisionConfig::fromJson(config), root);
  towers.text = std::make_unique<ClipModelTextTower>(config, root);
  if (towers.vision->config().projectionDim != towers.text->config().projectionDim)
    fail(ErrorCode::ModelLoad, config.source() + ": vision and text projections differ");
  root.skipKey("logit_scale");  // the contrastive temperature: read by the scorer in float32
  return towers;
}

ClipScorer::ClipScorer(const std::string& clipDir, const std::string& aestheticPath, at::TensorOptions options,
                       const std::string& processorDir)
    : options_(options) {
  namespace fs = std::filesystem;
  // Checked stats (statModelPath): a symlink loop or a FIFO is ERR_MODEL_LOAD naming the path.
  if (statModelPath(clipDir) != PathKind::Directory)
    fail(ErrorCode::ModelLoad, clipDir + ": not a folder (expected a transformers CLIPModel folder with config.json "
                                         "and model.safetensors)");
  const std::string preDir = processorDir.empty() ? clipDir : processorDir;
  if (!processorDir.empty() &&
      statModelPath((fs::path(processorDir) / "preprocessor_config.json").string()) != PathKind::RegularFile)
    fail(ErrorCode::ModelLoad, (fs::path(processorDir) / "preprocessor_config.json").string() +
                                   " is missing (expected a CLIP processor folder: preprocessor_config.json and "
                                   "tokenizer files)");
  processor_ = ClipImageProcessor::fromModelDir(preDir);
  const std::string configPath = (fs::path(clipDir) / "config.json").string();
  const Json configJson = readJsonFile(configPath);
  const JsonView config(configJson, configPath);
  // Checked before the weights are read: a wrong folder should not cost a multi-GB load.
  WeightLoader meta(nullptr, options, "CLIP model " + clipDir);
  ClipModelTowers::build(config, ParamScope(meta));
  const WeightStore store = openClipWeights(clipDir);
  WeightLoader loader(&store, options, "CLIP model " + clipDir);
  towers_ = ClipModelTowers::build(config, ParamScope(loader));
  loader.finish();
  logitScale_ = readLogitScale(store, config);
  const auto& pre = processor_.config();
  const int64_t imageSize = visionConfig().imageSize;
  if (pre.doCenterCrop && (pre.cropHeight != imageSize || pre.cropWidth != imageSize)) {
    const bool hasFile = statModelPath((fs::path(preDir) / "preprocessor_config.json").string()) != PathKind::Missing;
    fail(ErrorCode::ModelLoad, (fs::path(preDir) / "preprocessor_config.json").string() +
                                   (hasFile ? ": crop size " : " is missing and CLIP's default crop size ") +
                                   std::to_string(pre.cropHeight) + "x" + std::to_string(pre.cropWidth) +
                                   " does not match the model's image_size " + std::to_string(imageSize));
  }
  if (!aestheticPath.empty()) {
    aesthetic_.emplace(AestheticMlp::load(aestheticPath, options));
    if (aesthetic_->inputSize() != projectionDim())
      fail(ErrorCode::ModelLoad, aestheticPath + ": aesthetic predictor takes " +
                                     std::to_string(aesthetic_->inputSize()) + "-d embeddings but " + clipDir +
                                     " projects to " + std::to_string(projectionDim()));
  }
}

at::Tensor ClipScorer::pixelValues(const std::vector<at::Tensor>& images) const { return processor_(images); }

at::Tensor ClipScorer::embedPixels(const at::Tensor& pixelValues, int64_t imageBatch) const {
  c10::InferenceMode guard;
  const int64_t n = pixelValues.size(0);
  const int64_t step = imageBatch > 0 ? imageBatch : std::max<int64_t>(n, 1);
  std::vector<at::Tensor> parts;
  for (int64_t begin = 0; begin < n; begin += step) {
    const at::Tensor chunk = pixelValues.narrow(0, begin, std::min(step, n - begin)).to(options_);
    parts.push_back((*towers_.vision)(chunk).to(at::kFloat).cpu());
  }
  return parts.size() == 1 ? parts.front() : at::cat(parts);
}

at::Tensor ClipScorer::imageEmbeds(const std::vector<at::Tensor>& images, int64_t imageBatch) const {
  return embedPixels(pixelValues(images), imageBatch);
}

at::Tensor ClipScorer::textEmbeds(const at::Tensor& tokenIds) const {
  c10::InferenceMode guard;
  if (!tokenIds.defined() || tokenIds.dim() != 2 || tokenIds.scalar_type() != at::kLong)
    fail(ErrorCode::InvalidArg, "token ids must be an int64 [texts, tokens] tensor, got " +
                                    (tokenIds.defined() ? std::string(tokenIds.toString()) + " of shape " +
                                                              c10::str(tokenIds.sizes())
                                                        : std::string("nothing")));
  return towers_.text->textEmbeds(tokenIds.to(options_.device())).to(at::kFloat).cpu();
}

ClipScores ClipScorer::score(const std::vector<at::Tensor>& images, const at::Tensor& tokenIds,
                             int64_t imageBatch) const {
  c10::InferenceMode guard;
  const auto start = Clock::now();
  ClipScores s;
  const at::Tensor pixels = pixelValues(images);
  s.timings.preprocessMs = msSince(start);

  auto mark = Clock::now();
  s.imageEmbeds = embedPixels(pixels, imageBatch);
  if (aesthetic_) s.aesthetic = aesthetic_->score(s.imageEmbeds.to(options_)).to(at::kFloat).cpu();
  s.timings.imageMs = msSince(mark);

  mark = Clock::now();
  const bool anyText = tokenIds.defined() && tokenIds.numel() > 0;
  s.textEmbeds = anyText ? textEmbeds(tokenIds) : at::empty({0, projectionDim()}, at::kFloat);
  s.timings.textMs = anyText ? msSince(mark) : 0;

  s.cosine = at::matmul(unit(s.imageEmbeds), unit(s.textEmbeds).t());
  s.clipScore = at::clamp_min(100 * s.cosine, 0);
  s.logits = std::exp(logitScale_) * s.cosine;
  s.timings.totalMs = msSince(start);
  return s;
}

}  // namespace ppd
