#include <filesystem>
#include <map>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/io/safetensors.h"
#include "engine/models/aesthetic_mlp.h"
#include "engine/models/clip_vision_model.h"
#include "engine/scoring/clip_scorer.h"
#include "test_framework.h"
#include "test_png.h"

using ppd::ErrorCode;

namespace {

const std::vector<std::string> kImages = {
    "synthetic_gradient_50x37",       "synthetic_noise_40x71",          "synthetic_gray_L_33x33",
    "sd15-tiny__astronaut_pndm10",    "sdxl-tiny__lighthouse_w96h64_zeroneg", "sd21-tiny__fisherman_ddim10_vpred",
};

std::string scoringDir() { return ppd::test::sharedDir() + "/fixtures/scoring"; }

std::vector<at::Tensor> fixtureImages() {
  std::vector<at::Tensor> images;
  for (const auto& name : kImages) images.push_back(ppd::test::decodePng(scoringDir() + "/images/" + name + ".png"));
  return images;
}

at::Tensor goldenPerImage(const ppd::SafetensorsFile& golden, const std::string& field) {
  std::vector<at::Tensor> rows;
  for (const auto& name : kImages) rows.push_back(golden.view(name + "." + field).reshape({1, -1}));
  return at::cat(rows);
}

double maxAbsDiff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

// Stands in for the CLIP text encoder until it is wired: answers the golden texts with the golden
// text_embeds, and owns the text weights as the real tower will.
class GoldenTextTower : public ppd::ClipTextTower {
 public:
  GoldenTextTower(at::Tensor ids, at::Tensor embeds) : ids_(std::move(ids)), embeds_(std::move(embeds)) {}
  at::Tensor textEmbeds(const at::Tensor& inputIds) const override {
    if (!at::equal(inputIds, ids_)) throw ppd::test::Failure("GoldenTextTower only knows the golden texts");
    return embeds_;
  }

 private:
  at::Tensor ids_, embeds_;
};

// The manifest's {key: shape} against what a module built in meta mode asked for.
void expectMatchesManifest(const ppd::WeightLoader& loader, const std::string& manifestPath) {
  const ppd::Json manifest = ppd::readJsonFile(manifestPath);
  std::map<std::string, std::vector<int64_t>> built;
  int64_t elements = 0;
  for (const auto& spec : loader.specs()) {
    built[spec.name] = spec.shape;
    int64_t n = 1;
    for (auto d : spec.shape) n *= d;
    elements += n;
  }
  std::vector<std::string> problems;
  for (const auto& [key, shape] : manifest["keys"].items()) {
    if (!built.count(key)) problems.push_back("missing " + key);
    else if (built[key] != shape.get<std::vector<int64_t>>()) problems.push_back("shape of " + key);
  }
  for (const auto& [key, _] : built)
    if (!manifest["keys"].contains(key)) problems.push_back("extra " + key);
  EXPECT_MSG(problems.empty(), manifestPath << ": " << problems.size() << " problems, first: " << problems.front());
  EXPECT(built.size() == manifest["num_tensors"].get<size_t>());
  EXPECT(elements == manifest["num_elements"].get<int64_t>());
}

}  // namespace

TEST_CASE("scoring: tiny CLIP image_embeds and aesthetic scores match the golden") {
  ppd::SafetensorsFile golden(scoringDir() + "/scoring_golden.safetensors");
  const ppd::ClipScorer scorer(scoringDir() + "/tiny-clip", scoringDir() + "/tiny-aesthetic/model.safetensors",
                               at::TensorOptions().dtype(at::kFloat));
  EXPECT(!scorer.hasText() && scorer.hasAesthetic());
  const auto scores = scorer.score(fixtureImages(), at::Tensor());
  const double embeds = maxAbsDiff(scores.imageEmbeds, goldenPerImage(golden, "image_embeds"));
  EXPECT_MSG(embeds <= 1e-4, "image_embeds max diff " << embeds);
  const double aesthetic = maxAbsDiff(scores.aesthetic, goldenPerImage(golden, "aesthetic").flatten());
  EXPECT_MSG(aesthetic <= 1e-3, "aesthetic max diff " << aesthetic);
  EXPECT(scores.cosine.sizes() == at::IntArrayRef({6, 0}));
}

TEST_CASE("scoring: CLIP scores of every image against every text match the golden") {
  ppd::SafetensorsFile golden(scoringDir() + "/scoring_golden.safetensors");
  const at::Tensor ids = golden.view("text.input_ids");
  const at::Tensor textEmbeds = golden.view("text_embeds");
  auto tower = [&](const ppd::JsonView&, const ppd::ParamScope& root) -> std::unique_ptr<ppd::ClipTextTower> {
    root.loader().skipPrefix("text_model.");
    root.loader().skipKey("text_projection.weight");
    return std::make_unique<GoldenTextTower>(ids, textEmbeds);
  };
  const ppd::ClipScorer scorer(scoringDir() + "/tiny-clip", scoringDir() + "/tiny-aesthetic/model.pth",
                               at::TensorOptions().dtype(at::kFloat), tower);
  const auto scores = scorer.score(fixtureImages(), ids);
  EXPECT(scores.clipScore.sizes() == at::IntArrayRef({6, 4}));
  const double clip = maxAbsDiff(scores.clipScore, goldenPerImage(golden, "clip_score"));
  EXPECT_MSG(clip <= 1e-3, "clip_score max diff " << clip);
  EXPECT(scores.clipScore.min().item<float>() >= 0);
  EXPECT(at::allclose(scores.clipScore, at::clamp_min(100 * scores.cosine, 0)));
  const double aesthetic = maxAbsDiff(scores.aesthetic, goldenPerImage(golden, "aesthetic").flatten());
  EXPECT_MSG(aesthetic <= 1e-3, "aesthetic (from .pth) max diff " << aesthetic);
}

TEST_CASE("scoring: a scorer without a text tower refuses token ids") {
  const ppd::ClipScorer scorer(scoringDir() + "/tiny-clip", "", at::TensorOptions().dtype(at::kFloat));
  EXPECT(!scorer.hasAesthetic());
  const auto images = fixtureImages();
  EXPECT_THROWS_CODE(scorer.score({images[0]}, at::zeros({1, 77}, at::kLong)), ErrorCode::Internal, "text tower");
  EXPECT(!scorer.score({images[0]}, at::Tensor()).aesthetic.defined());
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
  EXPECT(at::allclose(fromPth.score(embeds), fromPth.score(embeds * 7)));
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
