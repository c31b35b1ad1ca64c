// The CLIP vision tower's config integers are range-checked like the other engine configs, and the
// scorer's file checks are the checked ones: a symlink loop is ERR_MODEL_LOAD naming the path.
#include <filesystem>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/models/clip_vision_model.h"
#include "engine/scoring/clip_image_processor.h"
#include "engine/scoring/clip_scorer.h"
#include "hostile_files.h"
#include "scoring_fixtures.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;
using namespace ppd::test::hostile;

namespace {

// The tiny CLIPModel config with one vision_config key replaced by `value` (JSON text).
ppd::ClipVisionConfig visionConfigWith(const std::string& key, const std::string& value) {
  ppd::Json config = ppd::readJsonFile(scoringDir() + "/tiny-clip/config.json");
  config["vision_config"][key] = ppd::Json::parse(value);
  return ppd::ClipVisionConfig::fromJson(ppd::JsonView(config, "tiny-clip/config.json"));
}

}  // namespace

TEST_CASE("clip vision limits: the tiny config passes") {
  const auto c = visionConfigWith("num_hidden_layers", "2");
  EXPECT(c.numHiddenLayers == 2 && c.hiddenSize == 32 && c.projectionDim == 24);
}

TEST_CASE("clip vision limits: hostile integers are ERR_MODEL_LOAD naming the file, key, range and value") {
  EXPECT_THROWS_CODE(visionConfigWith("num_hidden_layers", "100000000"), ErrorCode::ModelLoad,
                     "tiny-clip/config.json (vision_config): key \"num_hidden_layers\" must be an integer in [1, 128], got 100000000");
  EXPECT_THROWS_CODE(visionConfigWith("num_hidden_layers", "1e30"), ErrorCode::ModelLoad, "got 1e+30");
  EXPECT_THROWS_CODE(visionConfigWith("num_attention_heads", "0"), ErrorCode::ModelLoad, "\"num_attention_heads\"");
  EXPECT_THROWS_CODE(visionConfigWith("hidden_size", "-32"), ErrorCode::ModelLoad, "\"hidden_size\" must be an integer in [1, 65536]");
  EXPECT_THROWS_CODE(visionConfigWith("intermediate_size", "2.5"), ErrorCode::ModelLoad, "\"intermediate_size\"");
  EXPECT_THROWS_CODE(visionConfigWith("num_channels", "1000000"), ErrorCode::ModelLoad, "\"num_channels\"");
  EXPECT_THROWS_CODE(visionConfigWith("image_size", "1000000"), ErrorCode::ModelLoad, "\"image_size\"");
  EXPECT_THROWS_CODE(visionConfigWith("patch_size", "\"8\""), ErrorCode::ModelLoad, "\"patch_size\" has the wrong type");
  ppd::Json config = ppd::readJsonFile(scoringDir() + "/tiny-clip/config.json");
  config["projection_dim"] = 1e9;
  EXPECT_THROWS_CODE(ppd::ClipVisionConfig::fromJson(ppd::JsonView(config, "tiny-clip/config.json")), ErrorCode::ModelLoad,
                     "tiny-clip/config.json: key \"projection_dim\"");
}

TEST_CASE("clip vision limits: more patch positions than any text or vision tower uses is refused") {
  // 8192 / 1 → 67 million patch positions: a position embedding of gigabytes from a config alone.
  ppd::Json config = ppd::readJsonFile(scoringDir() + "/tiny-clip/config.json");
  config["vision_config"]["image_size"] = 8192;
  config["vision_config"]["patch_size"] = 1;
  EXPECT_THROWS_CODE(ppd::ClipVisionConfig::fromJson(ppd::JsonView(config, "tiny-clip/config.json")), ErrorCode::ModelLoad,
                     "image_size 8192 / patch_size 1 makes 67108865 positions");
}

TEST_CASE("clip scorer files: a symlink loop as the model folder, processor config or weights is ERR_MODEL_LOAD naming it") {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  const auto root = freshDir("clip-loop");
  const auto loopDir = root / "clip";
  fs::create_symlink("clip", loopDir);
  EXPECT_THROWS_CODE(ppd::ClipScorer(loopDir.string(), "", options), ErrorCode::ModelLoad,
                     loopDir.string() + ": symlink loop");

  // A processor folder whose preprocessor_config.json loops.
  const auto processor = root / "processor";
  fs::create_directories(processor);
  fs::create_symlink("preprocessor_config.json", processor / "preprocessor_config.json");
  const std::string loopConfig = (processor / "preprocessor_config.json").string();
  EXPECT_THROWS_CODE(ppd::ClipImageProcessor::fromModelDir(processor.string()), ErrorCode::ModelLoad,
                     loopConfig + ": symlink loop");
  EXPECT_THROWS_CODE(ppd::ClipScorer(scoringDir() + "/tiny-clip", "", options, processor.string()), ErrorCode::ModelLoad,
                     loopConfig + ": symlink loop");

  // A model folder whose only weights entry, pytorch_model.bin, loops.
  const auto model = root / "model";
  fs::create_directories(model);
  fs::copy_file(scoringDir() + "/tiny-clip/config.json", model / "config.json");
  fs::create_symlink("pytorch_model.bin", model / "pytorch_model.bin");
  EXPECT_THROWS_CODE(ppd::ClipScorer(model.string(), "", options), ErrorCode::ModelLoad,
                     (model / "pytorch_model.bin").string() + ": symlink loop");
  fs::remove_all(root);
}
