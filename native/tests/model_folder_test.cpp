#include <filesystem>
#include <fstream>

#include "engine/core/error.h"
#include "engine/io/model_family.h"
#include "engine/io/model_folder.h"
#include "golden_util.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;
using ppd::ModelFamilyKind;
using ppd::PredictionType;

namespace {

struct Expected {
  std::string model;  // the same expectations hold for spec/configs/<model> and fixtures/<model>-tiny
  ModelFamilyKind kind;
  PredictionType prediction;
  bool edm, meanStd, asymmetric, dual;
};

const std::vector<Expected> kExpected = {
    {"sd15", ModelFamilyKind::Sd1, PredictionType::Epsilon, false, false, false, false},
    {"sd21", ModelFamilyKind::Sd2, PredictionType::VPrediction, false, false, false, false},
    {"sd-turbo", ModelFamilyKind::Sd2, PredictionType::Epsilon, false, false, false, false},
    {"sdxl-base", ModelFamilyKind::Sdxl, PredictionType::Epsilon, false, false, false, true},
    {"sdxl-turbo", ModelFamilyKind::Sdxl, PredictionType::Epsilon, false, false, false, true},
    {"ssd1b", ModelFamilyKind::Sdxl, PredictionType::Epsilon, false, false, true, true},
    {"playground25", ModelFamilyKind::Sdxl, PredictionType::Epsilon, true, true, false, true},
};

void expectFamily(const std::string& dir, const Expected& e) {
  const auto family = ppd::ModelFamily::detect(ppd::ModelFolder::open(dir));
  const auto& f = family.features;
  EXPECT_MSG(family.kind == e.kind, dir << ": detected " << family.name());
  EXPECT_MSG(f.prediction == e.prediction, dir << ": prediction " << ppd::predictionTypeName(f.prediction));
  EXPECT_MSG(f.edmScheduler == e.edm, dir << ": edmScheduler " << f.edmScheduler);
  EXPECT_MSG(f.latentsMeanStd == e.meanStd, dir << ": latentsMeanStd " << f.latentsMeanStd);
  EXPECT_MSG(f.asymmetricUnet == e.asymmetric, dir << ": asymmetricUnet " << f.asymmetricUnet);
  EXPECT_MSG(f.dualTextEncoders == e.dual, dir << ": dualTextEncoders " << f.dualTextEncoders);
  EXPECT_MSG(!family.evidence.empty(), dir << ": no evidence");
}

// A copy of a folder's JSON files (no weights) that a test may then break.
fs::path configCopy(const std::string& src, const std::string& tag) {
  const fs::path dst = fs::temp_directory_path() / ("ppd-test-folder-" + tag);
  fs::remove_all(dst);
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    const fs::path rel = fs::relative(entry.path(), src);
    if (entry.is_directory()) fs::create_directories(dst / rel);
    else if (entry.path().extension() == ".json") fs::copy_file(entry.path(), dst / rel);
  }
  return dst;
}

void editJson(const fs::path& path, const std::function<void(ppd::Json&)>& change) {
  ppd::Json json = ppd::readJsonFile(path.string());
  change(json);
  std::ofstream(path) << json.dump(1);
}

}  // namespace

TEST_CASE("model family: the 7 real configs") {
  for (const auto& e : kExpected) expectFamily(ppd::test::sharedDir() + "/spec/configs/" + e.model, e);
}

TEST_CASE("model family: the 7 tiny models") {
  for (const auto& e : kExpected) {
    // Fixture folders are named <model>-tiny, except sdxl-base's, which is sdxl-tiny.
    const std::string tiny = (e.model == "sdxl-base" ? "sdxl" : e.model) + "-tiny";
    expectFamily(fixturesDir() + "/" + tiny, e);
  }
}

TEST_CASE("model family: detection ignores the folder name") {
  // sd21's configs in a folder called sd15-tiny-sdxl are still SD2 with v_prediction.
  const fs::path dir = configCopy(fixturesDir() + "/sd21-tiny", "sd15-tiny-sdxl");
  expectFamily(dir.string(), kExpected[1]);
  fs::remove_all(dir);
}

TEST_CASE("model folder: components, configs and the scheduler config") {
  const auto folder = ppd::ModelFolder::open(fixturesDir() + "/sdxl-tiny");
  EXPECT(folder.pipelineClass() == "StableDiffusionXLPipeline");
  std::vector<std::string> names;
  for (const auto& c : folder.components()) names.push_back(c.name);
  EXPECT(names == std::vector<std::string>({"scheduler", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2",
                                            "unet", "vae"}));
  EXPECT(folder.component("text_encoder_2").className == "CLIPTextModelWithProjection");
  EXPECT(folder.component("unet").library == "diffusers");
  EXPECT(folder.schedulerConfig().json.at("_class_name") == "EulerDiscreteScheduler");
  EXPECT(folder.config("vae").view().get<double>("scaling_factor") == 0.13025);
  // [null, null] entries (no safety checker) are not components.
  const auto sd15 = ppd::ModelFolder::open(fixturesDir() + "/sd15-tiny");
  EXPECT(!sd15.has("safety_checker") && !sd15.has("feature_extractor") && sd15.has("tokenizer"));
  EXPECT_THROWS_CODE(sd15.component("text_encoder_2"), ErrorCode::ModelLoad, "model_index.json: no component");
}

TEST_CASE("model folder: weights variant choice (fp16 when present, else plain)") {
  const fs::path dir = configCopy(fixturesDir() + "/sd15-tiny", "variant");
  const std::string te = fixturesDir() + "/sd15-tiny/text_encoder/model.safetensors";
  const std::string vae = fixturesDir() + "/sd15-tiny/vae/diffusion_pytorch_model.safetensors";
  fs::copy_file(te, dir / "text_encoder/model.safetensors");
  fs::copy_file(te, dir / "text_encoder/model.fp16.safetensors");
  fs::copy_file(vae, dir / "vae/diffusion_pytorch_model.safetensors");
  const auto folder = ppd::ModelFolder::open(dir.string());

  auto choice = folder.chooseWeights("text_encoder", "fp16");
  EXPECT(choice.variant == "fp16" && !choice.fellBack() && choice.baseNames == std::vector<std::string>{"model"});
  EXPECT(choice.describe() == "text_encoder: fp16 weights");
  EXPECT(choice.open().files().front().ends_with("model.fp16.safetensors"));
  choice = folder.chooseWeights("text_encoder", "");
  EXPECT(choice.variant.empty() && choice.open().files().front().ends_with("model.safetensors"));
  choice = folder.chooseWeights("vae", "fp16");
  EXPECT(choice.variant.empty() && choice.fellBack());
  EXPECT(choice.describe() == "vae: fp16 weights requested but absent, using the plain files");
  EXPECT(choice.open().files().front().ends_with("diffusion_pytorch_model.safetensors"));

  // A sharded fp16 set with the current index name `<stem>.safetensors.index.fp16.json`.
  fs::rename(dir / "vae/diffusion_pytorch_model.safetensors", dir / "vae/diffusion_pytorch_model.fp16-00001-of-00001.safetensors");
  ppd::Json index;
  for (const auto& name : ppd::WeightStore::openFile(vae).names())
    index["weight_map"][name] = "diffusion_pytorch_model.fp16-00001-of-00001.safetensors";
  std::ofstream(dir / "vae/diffusion_pytorch_model.safetensors.index.fp16.json") << index.dump();
  choice = folder.chooseWeights("vae", "fp16");
  EXPECT(choice.variant == "fp16" && choice.open().names().size() == ppd::WeightStore::openFile(vae).names().size());
  // No weights at all names the folder and the files looked for.
  EXPECT_THROWS_CODE(folder.chooseWeights("unet", "").open(), ErrorCode::ModelLoad, "diffusion_pytorch_model.safetensors");
  fs::remove_all(dir);
}

TEST_CASE("model folder: broken folders name the file and key") {
  EXPECT_THROWS_CODE(ppd::ModelFolder::open("/nonexistent/model"), ErrorCode::ModelLoad, "/nonexistent/model");
  const fs::path dir = configCopy(fixturesDir() + "/sdxl-tiny", "broken");
  const std::string index = (dir / "model_index.json").string();
  const std::string unet = (dir / "unet/config.json").string();
  auto detect = [&] { return ppd::ModelFamily::detect(ppd::ModelFolder::open(dir.string())); };

  editJson(index, [](ppd::Json& j) { j["vae"] = {"AutoencoderKL"}; });
  EXPECT_THROWS_CODE(detect(), ErrorCode::ModelLoad, index + ": key \"vae\" must be [library, class]");
  editJson(index, [](ppd::Json& j) { j.erase("vae"); });
  EXPECT_THROWS_CODE(detect(), ErrorCode::ModelLoad, index + ": no component \"vae\"");
  editJson(index, [](ppd::Json& j) { j["vae"] = {"diffusers", "AutoencoderKL"}; });
  fs::remove(dir / "scheduler/scheduler_config.json");
  EXPECT_THROWS_CODE(detect(), ErrorCode::ModelLoad, (dir / "scheduler/scheduler_config.json").string());
  fs::copy_file(fixturesDir() + "/sdxl-tiny/scheduler/scheduler_config.json", dir / "scheduler/scheduler_config.json");
  detect();

  editJson(unet, [](ppd::Json& j) { j["cross_attention_dim"] = 64; });
  EXPECT_THROWS_CODE(detect(), ErrorCode::ModelLoad, unet + ": key \"cross_attention_dim\" is 64");
  editJson(unet, [](ppd::Json& j) { j.erase("cross_attention_dim"); });
  EXPECT_THROWS_CODE(detect(), ErrorCode::ModelLoad, unet + ": missing key \"cross_attention_dim\"");
  editJson(unet, [](ppd::Json& j) { j["cross_attention_dim"] = 80; });
  editJson(index, [](ppd::Json& j) { j["text_encoder_2"] = {nullptr, nullptr}; });
  EXPECT_THROWS_CODE(detect(), ErrorCode::ModelLoad, unet + ": key \"addition_embed_type\" is \"text_time\"");
  editJson(index, [](ppd::Json& j) { j["text_encoder_2"] = {"transformers", "CLIPTextModelWithProjection"}; });
  const std::string sched = (dir / "scheduler/scheduler_config.json").string();
  editJson(sched, [](ppd::Json& j) { j["prediction_type"] = "sample"; });
  EXPECT_THROWS_CODE(detect(), ErrorCode::ModelLoad, sched + ": key \"prediction_type\" has unsupported value");
  editJson(sched, [](ppd::Json& j) { j["prediction_type"] = "epsilon"; });
  fs::remove_all(dir / "text_encoder_2");
  EXPECT_THROWS_CODE(detect(), ErrorCode::ModelLoad, "text_encoder_2: folder of component \"text_encoder_2\"");
  fs::remove_all(dir);
}
