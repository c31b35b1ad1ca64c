// PickScore (a CLIPModel with exact-erf gelu, legacy eos_token_id 2 pooling and its processor in another
// folder) against <shared>/fixtures/scoring/pickscore_golden.*, from model.safetensors and from
// pytorch_model.bin (restricted unpickler).
#include <filesystem>
#include <iostream>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/io/safetensors.h"
#include "engine/scoring/clip_scorer.h"
#include "golden_util.h"
#include "scoring_fixtures.h"
#include "test_framework.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;

namespace {

std::string modelDir() { return scoringDir() + "/tiny-pickscore"; }
std::string processorDir() { return scoringDir() + "/tiny-pickscore-processor"; }

std::vector<std::string> goldenImageOrder() {
  const ppd::Json json = ppd::readJsonFile(scoringDir() + "/pickscore_golden.json");
  return json.at("image_order").get<std::vector<std::string>>();
}

// A folder holding the fixture's config.json and only its pytorch_model.bin (the fixture folder has
// both, and safetensors wins).
std::string binOnlyDir() {
  const fs::path dir = fs::temp_directory_path() / "ppd-test-pickscore-bin-only";
  fs::create_directories(dir);
  for (const char* name : {"config.json", "pytorch_model.bin"})
    fs::copy_file(fs::path(modelDir()) / name, dir / name, fs::copy_options::overwrite_existing);
  return dir.string();
}

ppd::ClipScorer loadPickScore(const std::string& dir) {
  return ppd::ClipScorer(dir, "", at::TensorOptions().dtype(at::kFloat), processorDir());
}

}  // namespace

TEST_CASE("pickscore: embeddings, scores and preference probabilities match the golden from safetensors and .bin") {
  ppd::SafetensorsFile golden(scoringDir() + "/pickscore_golden.safetensors");
  const auto order = goldenImageOrder();
  std::vector<at::Tensor> images, goldenEmbeds, goldenScores;
  for (const auto& name : order) {
    images.push_back(scoringImage(name));
    goldenEmbeds.push_back(golden.view(name + ".image_embeds").reshape({1, -1}));
    goldenScores.push_back(golden.view(name + ".pickscore").reshape({1, -1}));
  }
  const at::Tensor ids = golden.view("text.input_ids");
  at::Tensor fromSafetensors;
  for (const std::string& dir : {modelDir(), binOnlyDir()}) {
    const auto scorer = loadPickScore(dir);
    EXPECT(scorer.projectionDim() == 40 && scorer.visionConfig().hiddenAct == "gelu");
    EXPECT(scorer.textConfig().eosTokenId == 2 && scorer.visionConfig().numHiddenLayers == 3);
    EXPECT_MSG(std::abs(std::exp(scorer.logitScale()) - 100.00296020507812) < 1e-4, "logit_scale " << scorer.logitScale());
    const auto s = scorer.score(images, ids);
    const double imageEmbeds = maxAbsDiff(s.imageEmbeds, at::cat(goldenEmbeds));
    const double textEmbeds = maxAbsDiff(s.textEmbeds, golden.view("text_embeds"));
    const double scores = maxAbsDiff(s.logits, at::cat(goldenScores));
    // probs_texts_x_images: per prompt, the softmax over the images.
    const double probs = maxAbsDiff(at::softmax(s.logits.t(), 1), golden.view("probs_texts_x_images"));
    EXPECT_MSG(imageEmbeds <= 1e-4, dir << ": image_embeds max diff " << imageEmbeds);
    EXPECT_MSG(textEmbeds <= 1e-4, dir << ": text_embeds max diff " << textEmbeds);
    EXPECT_MSG(scores <= 1e-3, dir << ": pickscore max diff " << scores);
    EXPECT_MSG(probs <= 1e-3, dir << ": probs max diff " << probs);
    // Neither x100 nor clamped: the golden has negative scores.
    EXPECT(s.logits.min().item<float>() < 0);
    if (!fromSafetensors.defined()) {
      fromSafetensors = s.logits;
    } else {
      EXPECT_MSG(maxAbsDiff(s.logits, fromSafetensors) <= 1e-5, ".bin and safetensors scores differ");
    }
    std::cout << "       " << fs::path(dir).filename().string() << ": max error image_embeds " << imageEmbeds
              << ", text_embeds " << textEmbeds << ", pickscore " << scores << ", probs " << probs << "\n";
  }
}

TEST_CASE("pickscore: the processor folder supplies the preprocessing; without its config the load fails naming it") {
  const auto scorer = loadPickScore(modelDir());
  EXPECT(scorer.processor().config().cropHeight == 32 && scorer.processor().config().shortestEdge == 32);
  // The model folder itself has no preprocessor_config.json: given as processor folder it is refused.
  EXPECT_THROWS_CODE(ppd::ClipScorer(modelDir(), "", at::TensorOptions().dtype(at::kFloat), modelDir()),
                     ErrorCode::ModelLoad, modelDir() + "/preprocessor_config.json is missing");
}

TEST_CASE("pickscore: a folder that is not a CLIPModel, or a .bin with a disallowed global, is ERR_MODEL_LOAD naming the file") {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  // A diffusers text_encoder: its config.json has no vision_config.
  const std::string textEncoder = ppd::test::sharedDir() + "/fixtures/sd15-tiny/text_encoder";
  EXPECT_THROWS_CODE(ppd::ClipScorer(textEncoder, "", options, processorDir()), ErrorCode::ModelLoad,
                     textEncoder + "/config.json: not a transformers CLIPModel config");
  // The processor folder has no config.json at all.
  EXPECT_THROWS_CODE(ppd::ClipScorer(processorDir(), "", options, processorDir()), ErrorCode::ModelLoad,
                     processorDir() + "/config.json");
  // pytorch_model.bin whose pickle calls os.system: refused before anything runs.
  const std::string bad = "native/tests/fixtures/pickscore-bad-pickle";
  EXPECT_THROWS_CODE(ppd::ClipScorer(bad, "", options, processorDir()), ErrorCode::ModelLoad,
                     bad + "/pytorch_model.bin");
  EXPECT_THROWS_CODE(ppd::ClipScorer(bad, "", options, processorDir()), ErrorCode::ModelLoad, "os.system");
  // No weights at all: every file looked for is named.
  const fs::path empty = fs::temp_directory_path() / "ppd-test-pickscore-no-weights";
  fs::create_directories(empty);
  fs::copy_file(fs::path(modelDir()) / "config.json", empty / "config.json", fs::copy_options::overwrite_existing);
  EXPECT_THROWS_CODE(ppd::ClipScorer(empty.string(), "", options, processorDir()), ErrorCode::ModelLoad,
                     "pytorch_model.bin");
}
