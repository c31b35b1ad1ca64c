// Broken weights or configs must fail with ERR_MODEL_LOAD naming the file and the key.
#include <filesystem>
#include <fstream>
#include <functional>

#include "engine/core/error.h"
#include "engine/io/model_folder.h"
#include "engine/io/weight_loader.h"
#include "engine/models/autoencoder_kl_decoder.h"
#include "engine/models/clip_text_model.h"
#include "golden_util.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;

namespace {

using Tensors = std::map<std::string, at::Tensor>;

// A modified copy of one tiny-model weights file in the temp folder; returns its path.
std::string modifiedCopy(const std::string& model, const std::string& file, const std::string& tag,
                         const std::function<void(Tensors&)>& change) {
  Tensors tensors = ppd::loadAllTensors(fixturesDir() + "/" + model + "/" + file);
  change(tensors);
  const auto path = (fs::temp_directory_path() / ("ppd-test-" + tag + ".safetensors")).string();
  ppd::saveSafetensors(path, tensors);
  return path;
}

void loadTextEncoder(const std::string& weightsPath, const ppd::ConfigFile& config) {
  const auto store = ppd::WeightStore::openFile(weightsPath);
  ppd::WeightLoader loader(&store, at::TensorOptions().dtype(at::kFloat), "text_encoder");
  ppd::ClipTextModel model(ppd::ClipTextConfig::fromJson(config.view()), ppd::ParamScope(loader), false);
  loader.finish();
}

void loadVae(const std::string& weightsPath, const ppd::ConfigFile& config) {
  const auto store = ppd::WeightStore::openFile(weightsPath);
  ppd::WeightLoader loader(&store, at::TensorOptions().dtype(at::kFloat), "vae");
  ppd::AutoencoderKLDecoder vae(ppd::AutoencoderKLConfig::fromJson(config.view()), ppd::ParamScope(loader));
  loader.finish();
}

ppd::ConfigFile tinyConfig(const std::string& model, const std::string& component) {
  return ppd::ModelFolder::open(fixturesDir() + "/" + model).config(component);
}

}  // namespace

TEST_CASE("load errors: text encoder missing key, wrong shape, unexpected key, non-float dtype") {
  const auto config = tinyConfig("sd15-tiny", "text_encoder");
  const std::string file = "text_encoder/model.safetensors";
  const std::string fc1 = "text_model.encoder.layers.1.mlp.fc1.weight";
  auto path = modifiedCopy("sd15-tiny", file, "te-missing", [&](Tensors& t) { t.erase(fc1); });
  EXPECT_THROWS_CODE(loadTextEncoder(path, config), ErrorCode::ModelLoad, path);
  EXPECT_THROWS_CODE(loadTextEncoder(path, config), ErrorCode::ModelLoad, "missing keys (1):\n  " + fc1 + " [64, 32]");
  fs::remove(path);

  const std::string ln = "text_model.final_layer_norm.weight";
  path = modifiedCopy("sd15-tiny", file, "te-shape", [&](Tensors& t) { t[ln] = at::ones({31}); });
  EXPECT_THROWS_CODE(loadTextEncoder(path, config), ErrorCode::ModelLoad, path);
  EXPECT_THROWS_CODE(loadTextEncoder(path, config), ErrorCode::ModelLoad, ln + ": expected [32], file has [31]");
  fs::remove(path);

  const std::string extra = "text_model.encoder.layers.3.mlp.fc1.weight";
  path = modifiedCopy("sd15-tiny", file, "te-extra", [&](Tensors& t) { t[extra] = t.at(fc1); });
  EXPECT_THROWS_CODE(loadTextEncoder(path, config), ErrorCode::ModelLoad, "unexpected keys (1):\n  " + extra);
  fs::remove(path);

  path = modifiedCopy("sd15-tiny", file, "te-dtype", [&](Tensors& t) { t[ln] = at::ones({32}, at::kLong); });
  EXPECT_THROWS_CODE(loadTextEncoder(path, config), ErrorCode::ModelLoad, path + ": tensor \"" + ln + "\"");
  fs::remove(path);
}

TEST_CASE("load errors: the legacy position_ids buffer is skipped and counted") {
  const auto config = tinyConfig("sd15-tiny", "text_encoder");
  const auto store = ppd::WeightStore::openFile(fixturesDir() + "/sd15-tiny/text_encoder/model.safetensors");
  EXPECT(store.contains("text_model.embeddings.position_ids"));
  ppd::WeightLoader loader(&store, at::TensorOptions().dtype(at::kFloat), "text_encoder");
  ppd::ClipTextModel model(ppd::ClipTextConfig::fromJson(config.view()), ppd::ParamScope(loader), false);
  const auto report = loader.finish();
  EXPECT(report.skipped == 1 && report.loaded + 1 == store.names().size());
}

TEST_CASE("load errors: truncated weights file names the file") {
  const auto src = fixturesDir() + "/sd15-tiny/text_encoder/model.safetensors";
  const auto path = (fs::temp_directory_path() / "ppd-test-te-truncated.safetensors").string();
  fs::copy_file(src, path, fs::copy_options::overwrite_existing);
  fs::resize_file(path, fs::file_size(src) / 2);
  EXPECT_THROWS_CODE(loadTextEncoder(path, tinyConfig("sd15-tiny", "text_encoder")), ErrorCode::ModelLoad, path);
  fs::remove(path);
}

TEST_CASE("load errors: VAE decoder missing key and wrong attention shape") {
  const auto config = tinyConfig("sdxl-tiny", "vae");
  const std::string file = "vae/diffusion_pytorch_model.safetensors";
  auto path = modifiedCopy("sdxl-tiny", file, "vae-missing", [](Tensors& t) { t.erase("decoder.conv_out.bias"); });
  EXPECT_THROWS_CODE(loadVae(path, config), ErrorCode::ModelLoad, path);
  EXPECT_THROWS_CODE(loadVae(path, config), ErrorCode::ModelLoad, "decoder.conv_out.bias [3]");
  fs::remove(path);
  const std::string q = "decoder.mid_block.attentions.0.to_q.weight";
  path = modifiedCopy("sdxl-tiny", file, "vae-shape", [&](Tensors& t) { t[q] = at::zeros({16, 16, 1, 1}); });
  EXPECT_THROWS_CODE(loadVae(path, config), ErrorCode::ModelLoad, q + ": expected [16, 16], file has [16, 16, 1, 1]");
  fs::remove(path);
  // A broken encoder is not our business: its keys are skipped, not checked.
  path = modifiedCopy("sdxl-tiny", file, "vae-encoder", [](Tensors& t) { t.erase("encoder.conv_in.weight"); });
  loadVae(path, config);
  fs::remove(path);
}

TEST_CASE("load errors: config problems name the config file and key") {
  const auto dir = fs::temp_directory_path() / "ppd-test-configs";
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const ppd::Json& json) {
    const auto path = (dir / name).string();
    std::ofstream(path) << json.dump();
    return ppd::ConfigFile{path, json};
  };
  ppd::Json te = tinyConfig("sd15-tiny", "text_encoder").json;
  te.erase("hidden_size");
  auto file = write("te-no-hidden.json", te);
  EXPECT_THROWS_CODE(ppd::ClipTextConfig::fromJson(file.view()), ErrorCode::ModelLoad,
                     file.path + ": missing key \"hidden_size\"");
  te = tinyConfig("sd15-tiny", "text_encoder").json;
  te["hidden_act"] = "relu";
  file = write("te-act.json", te);
  EXPECT_THROWS_CODE(ppd::ClipTextConfig::fromJson(file.view()), ErrorCode::ModelLoad, "\"hidden_act\"");
  te["hidden_act"] = "gelu";
  te["num_attention_heads"] = 5;
  file = write("te-heads.json", te);
  EXPECT_THROWS_CODE(ppd::ClipTextConfig::fromJson(file.view()), ErrorCode::ModelLoad, "\"num_attention_heads\"");

  ppd::Json vae = tinyConfig("playground25-tiny", "vae").json;
  vae["latents_std"] = nullptr;
  file = write("vae-no-std.json", vae);
  EXPECT_THROWS_CODE(ppd::AutoencoderKLConfig::fromJson(file.view()), ErrorCode::ModelLoad,
                     file.path + ": key \"latents_std\"");
  vae = tinyConfig("sd15-tiny", "vae").json;
  vae["up_block_types"][1] = "AttnUpDecoderBlock2D";
  file = write("vae-block.json", vae);
  EXPECT_THROWS_CODE(ppd::AutoencoderKLConfig::fromJson(file.view()), ErrorCode::ModelLoad, "\"up_block_types\"");
  vae = tinyConfig("sd15-tiny", "vae").json;
  vae["block_out_channels"] = "128";
  file = write("vae-type.json", vae);
  EXPECT_THROWS_CODE(ppd::AutoencoderKLConfig::fromJson(file.view()), ErrorCode::ModelLoad,
                     file.path + ": key \"block_out_channels\" has the wrong type");
  fs::remove_all(dir);
}
