#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/io/safetensors.h"
#include "engine/models/aesthetic_mlp.h"
#include "engine/models/clip_vision_model.h"
#include "engine/scoring/clip_scorer.h"
#include "golden_util.h"
#include "scoring_fixtures.h"
#include "test_framework.h"

using ppd::ErrorCode;

namespace {

std::vector<at::Tensor> fixtureImages() {
  std::vector<at::Tensor> images;
  for (const auto& name : kScoringImages) images.push_back(scoringImage(name));
  return images;
}

at::Tensor goldenPerImage(const ppd::SafetensorsFile& golden, const std::string& field) {
  std::vector<at::Tensor> rows;
  for (const auto& name : kScoringImages) rows.push_back(golden.view(name + "." + field).reshape({1, -1}));
  return at::cat(rows);
}

// The manifest's {key: shape} against what a module built in meta mode asked for; `ignored` manifest
// keys are deliberately not built (constant buffers, the unused contrastive temperature).
void expectMatchesManifest(const ppd::WeightLoader& loader, const std::string& manifestPath,
                           const std::set<std::string>& ignored = {}) {
  const ppd::Json manifest = ppd::readJsonFile(manifestPath);
  std::map<std::string, std::vector<int64_t>> built;
  int64_t elements = 0;
  for (const auto& spec : loader.specs()) {
    EXPECT_MSG(!built.count(spec.name), spec.name << " requested twice");
    built[spec.name] = spec.shape;
    int64_t n = 1;
    for (auto d : spec.shape) n *= d;
    elements += n;
  }
  std::vector<std::string> problems;
  int64_t ignoredElements = 0;
  size_t ignoredCount = 0;
  for (const auto& [key, shape] : manifest["keys"].items()) {
    const auto expected = shape.get<std::vector<int64_t>>();
    if (ignored.count(key)) {
      ++ignoredCount;
      int64_t n = 1;
      for (auto d : expected) n *= d;
      ignoredElements += n;
      if (built.count(key)) problems.push_back("built the ignored key " + key);
    } else if (!built.count(key)) {
      problems.push_back("missing " + key);
    } else if (built[key] != expected) {
      problems.push_back("shape of " + key);
    }
  }
  for (const auto& [key, _] : built)
    if (!manifest["keys"].contains(key)) problems.push_back("extra " + key);
  EXPECT_MSG(problems.empty(), manifestPath << ": " << problems.size() << " problems, first: " << problems.front());
  EXPECT(built.size() + ignoredCount == manifest["num_tensors"].get<size_t>());
  EXPECT(elements + ignoredElements == manifest["num_elements"].get<int64_t>());
}

}  // namespace

TEST_CASE("scoring: tiny CLIP text_embeds of the golden token ids match the golden (real text tower)") {
  ppd::SafetensorsFile golden(scoringDir() + "/scoring_golden.safetensors");
  const ppd::ClipScorer scorer(scoringDir() + "/tiny-clip", "", at::TensorOptions().dtype(at::kFloat));
  EXPECT(!scorer.hasAesthetic() && scorer.projectionDim() == 24 && scorer.textConfig().numHiddenLayers == 2);
  const at::Tensor embeds = scorer.textEmbeds(golden.view("text.input_ids"));
  EXPECT(embeds.sizes() == at::IntArrayRef({4, 24}));
  const double diff = maxAbsDiff(embeds, golden.view("text_embeds"));
  EXPECT_MSG(diff <= 1e-4, "text_embeds max diff " << diff);
  std::cout << "       max error text_embeds: " << diff << "\n";
}

TEST_CASE("scoring: CLIP scores of every image against every text match the golden (one batched call)") {
  ppd::SafetensorsFile golden(scoringDir() + "/scoring_golden.safetensors");
  const at::Tensor ids = golden.view("text.input_ids");
  for (const std::string aestheticFile : {"model.pth", "model.safetensors"}) {
    const ppd::ClipScorer scorer(scoringDir() + "/tiny-clip", scoringDir() + "/tiny-aesthetic/" + aestheticFile,
                                 at::TensorOptions().dtype(at::kFloat));
    EXPECT(scorer.hasAesthetic());
    const auto scores = scorer.score(fixtureImages(), ids);
    EXPECT(scores.clipScore.sizes() == at::IntArrayRef({6, 4}) && scores.cosine.sizes() == at::IntArrayRef({6, 4}));
    const double imageEmbeds = maxAbsDiff(scores.imageEmbeds, goldenPerImage(golden, "image_embeds"));
    EXPECT_MSG(imageEmbeds <= 1e-4, "image_embeds max diff " << imageEmbeds);
    const double textEmbeds = maxAbsDiff(scores.textEmbeds, golden.view("text_embeds"));
    EXPECT_MSG(textEmbeds <= 1e-4, "text_embeds max diff " << textEmbeds);
    const double clip = maxAbsDiff(scores.clipScore, goldenPerImage(golden, "clip_score"));
    EXPECT_MSG(clip <= 1e-3, "clip_score max diff " << clip);
    const double aesthetic = maxAbsDiff(scores.aesthetic, goldenPerImage(golden, "aesthetic").flatten());
    EXPECT_MSG(aesthetic <= 1e-3, "aesthetic (" << aestheticFile << ") max diff " << aesthetic);
    // The raw cosine comes back too: the score is its clamped, scaled form, and the golden has
    // negative cosines (score 0) that the clamp hides.
    EXPECT(at::allclose(scores.clipScore, at::clamp_min(100 * scores.cosine, 0)));
    EXPECT(scores.cosine.min().item<float>() < 0 && scores.cosine.abs().max().item<float>() <= 1.0f);
    EXPECT(scores.timings.totalMs >= scores.timings.imageMs + scores.timings.textMs && scores.timings.textMs > 0);
    std::cout << "       " << aestheticFile << ": max error image_embeds " << imageEmbeds << ", text_embeds "
              << textEmbeds << ", clip_score " << clip << ", aesthetic " << aesthetic << "\n";
  }
}

TEST_CASE("scoring: image batches of any size give the batched result; text-free calls score images only") {
  ppd::SafetensorsFile golden(scoringDir() + "/scoring_golden.safetensors");
  const ppd::ClipScorer scorer(scoringDir() + "/tiny-clip", scoringDir() + "/tiny-aesthetic/model.safetensors",
                               at::TensorOptions().dtype(at::kFloat));
  const auto images = fixtureImages();
  const auto all = scorer.score(images, golden.view("text.input_ids"));
  for (int64_t batch : {1, 4, 6, 100}) {
    const auto chunked = scorer.score(images, golden.view("text.input_ids"), batch);
    EXPECT_MSG(maxAbsDiff(chunked.imageEmbeds, all.imageEmbeds) <= 1e-5, "image batch " << batch);
    EXPECT_MSG(maxAbsDiff(chunked.clipScore, all.clipScore) <= 1e-3, "image batch " << batch);
  }
  // One image at a time equals its row of the batched call (texts: one text at a time likewise).
  for (size_t i = 0; i < images.size(); ++i) {
    const auto single = scorer.score({images[i]}, golden.view("text.input_ids").narrow(0, 1, 1));
    EXPECT(maxAbsDiff(single.cosine, all.cosine.narrow(0, i, 1).narrow(1, 1, 1)) <= 1e-5);
  }
  const auto imageOnly = scorer.score(images, at::Tensor());
  EXPECT(imageOnly.cosine.sizes() == at::IntArrayRef({6, 0}) && imageOnly.textEmbeds.size(0) == 0);
  EXPECT(imageOnly.timings.textMs == 0 && maxAbsDiff(imageOnly.aesthetic, all.aesthetic) <= 1e-6);
}

TEST_CASE("scoring: bad images and token ids are ERR_INVALID_ARG naming the culprit") {
  const ppd::ClipScorer scorer(scoringDir() + "/tiny-clip", "", at::TensorOptions().dtype(at::kFloat));
  EXPECT(!scorer.hasAesthetic());
  const auto images = fixtureImages();
  EXPECT_THROWS_CODE(scorer.score({images[0], at::zeros({4, 0, 3}, at::kByte)}, at::Tensor()), ErrorCode::InvalidArg,
                     "image 1: ");
  EXPECT_THROWS_CODE(scorer.score({images[0], images[1], at::zeros({4, 4, 5}, at::kByte)}, at::Tensor()),
                     ErrorCode::InvalidArg, "image 2: expected 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels");
  EXPECT_THROWS_CODE(scorer.score({}, at::Tensor()), ErrorCode::InvalidArg, "no images");
  at::Tensor ids = at::full({2, 77}, 913, at::kLong);
  ids[1][5] = 914;
  EXPECT_THROWS_CODE(scorer.textEmbeds(ids), ErrorCode::InvalidArg, "text 1: id 914 is outside the vocabulary [0, 914)");
  EXPECT_THROWS_CODE(scorer.textEmbeds(at::zeros({1, 78}, at::kLong)), ErrorCode::InvalidArg, "1..77 tokens");
  EXPECT_THROWS_CODE(scorer.textEmbeds(at::zeros({1, 77}, at::kInt)), ErrorCode::InvalidArg, "int64");
  EXPECT(!scorer.score({images[0]}, at::Tensor()).aesthetic.defined());
}

TEST_CASE("scoring: missing or broken CLIP folders are ERR_MODEL_LOAD naming the path") {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  EXPECT_THROWS_CODE(ppd::ClipScorer("/nonexistent/clip", "", options), ErrorCode::ModelLoad, "/nonexistent/clip");
  // A diffusers text_encoder folder is not a CLIPModel: no text_config, no vision tower.
  const std::string textEncoder = ppd::test::sharedDir() + "/fixtures/sd15-tiny/text_encoder";
  EXPECT_THROWS_CODE(ppd::ClipScorer(textEncoder, "", options), ErrorCode::ModelLoad, textEncoder);
  EXPECT_THROWS_CODE(ppd::ClipScorer(scoringDir() + "/tiny-clip", "/nonexistent/aesthetic.pth", options),
                     ErrorCode::ModelLoad, "/nonexistent/aesthetic.pth");
}

TEST_CASE("scoring: aesthetic predictor from .pth and .safetensors gives the same scores") {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  const auto fromPth = ppd::AestheticMlp::load(scoringDir() + "/tiny-aesthetic/model.pth", options);
  const auto fromSafetensors = ppd::AestheticMlp::load(scoringDir() + "/tiny-aesthetic/model.safetensors", options);
  EXPECT(fromPth.inputSize() == 24);
  const at::Tensor embeds = at::randn({3, 24});
  // Same weights (see the torch pickle tests); only buffer alignment may change the GEMM kernel's rounding.
  EXPECT(at::allclose(fromPth.score(embeds), fromSafetensors.score(embeds), 0, 1e-6));
  // Only the direction of the embedding matters; a zero embedding scores the bias path instead of NaN.
  // (normalising 7·x rounds differently from x: compare with an absolute tolerance, as above)
  EXPECT(at::allclose(fromPth.score(embeds), fromPth.score(embeds * 7), 0, 1e-6));
  EXPECT(!at::isnan(fromPth.score(at::zeros({1, 24}))).item<bool>());
  EXPECT_THROWS_CODE(fromPth.score(at::zeros({1, 23})), ErrorCode::InvalidArg, "[N, 24]");
}

TEST_CASE("scoring: vision tower + projection in meta mode matches the CLIP ViT-L/14 manifest") {
  const std::string dir = ppd::test::sharedDir() + "/spec/configs/clip-vit-l14";
  const ppd::Json json = ppd::readJsonFile(dir + "/config.json");
  const auto config = ppd::ClipVisionConfig::fromJson(ppd::JsonView(json, dir + "/config.json"));
  EXPECT(config.projectionDim == 768 && config.patchSize == 14 && config.numHiddenLayers == 24);
  ppd::WeightLoader loader(nullptr, at::TensorOptions().dtype(at::kFloat), "clip vision");
  const ppd::ClipVisionModel model(config, ppd::ParamScope(loader));
  expectMatchesManifest(loader, ppd::test::sharedDir() + "/spec/manifests/clip-vit-l14/vision_with_projection.json");
}

TEST_CASE("scoring: the whole CLIPModel (both towers + projections) in meta mode matches the ViT-L/14 manifest") {
  const std::string dir = ppd::test::sharedDir() + "/spec/configs/clip-vit-l14";
  const ppd::Json json = ppd::readJsonFile(dir + "/config.json");
  ppd::WeightLoader loader(nullptr, at::TensorOptions().dtype(at::kFloat), "clip model");
  const auto towers = ppd::ClipModelTowers::build(ppd::JsonView(json, dir + "/config.json"), ppd::ParamScope(loader));
  EXPECT(towers.text->config().projectionDim == 768 && towers.text->config().numHiddenLayers == 12);
  EXPECT(towers.text->model().text_projection.weight.is_meta());
  // The manifest lists logit_scale under keys (the scorer skips it: scores use the plain cosine); the
  // position_ids buffers are under optional_keys only.
  const ppd::Json manifest =
      ppd::readJsonFile(ppd::test::sharedDir() + "/spec/manifests/clip-vit-l14/clip_model.json");
  EXPECT(manifest["keys"].contains("logit_scale"));
  EXPECT(!manifest["keys"].contains("text_model.embeddings.position_ids"));
  expectMatchesManifest(loader, ppd::test::sharedDir() + "/spec/manifests/clip-vit-l14/clip_model.json",
                        {"logit_scale"});
}

TEST_CASE("scoring: aesthetic MLP in meta mode matches the improved-aesthetic-predictor manifest") {
  ppd::WeightLoader loader(nullptr, at::TensorOptions().dtype(at::kFloat), "aesthetic");
  const ppd::AestheticMlp mlp(ppd::ParamScope(loader), 768);
  expectMatchesManifest(loader, ppd::test::sharedDir() + "/spec/manifests/aesthetic/improved_aesthetic_predictor.json");
}

TEST_CASE("scoring: mismatched CLIP and aesthetic sizes are ERR_MODEL_LOAD") {
  // The tiny CLIP projects to 24; the real predictor takes 768. A 768-input MLP is built in a temp file.
  const auto path = (std::filesystem::temp_directory_path() / "ppd-test-aesthetic768.safetensors").string();
  ppd::WeightLoader meta(nullptr, at::TensorOptions().dtype(at::kFloat), "aesthetic");
  const ppd::AestheticMlp shape(ppd::ParamScope(meta), 768);
  std::map<std::string, at::Tensor> tensors;
  for (const auto& spec : meta.specs()) tensors[spec.name] = at::zeros(spec.shape);
  ppd::saveSafetensors(path, tensors);
  EXPECT_THROWS_CODE(ppd::ClipScorer(scoringDir() + "/tiny-clip", path, at::TensorOptions().dtype(at::kFloat)),
                     ErrorCode::ModelLoad, "768-d");
  std::filesystem::remove(path);
}
