#include <cstdio>
#include <filesystem>
#include <iostream>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/io/safetensors.h"
#include "engine/io/weight_loader.h"
#include "engine/io/weight_store.h"
#include "engine/models/unet/unet2d_condition_model.h"
#include "test_framework.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;

namespace {

const char* kModels[] = {"sd15", "sd21", "sd-turbo", "sdxl-base", "sdxl-turbo", "ssd1b", "playground25"};

ppd::UNetConfig readConfig(const std::string& path) {
  const ppd::Json json = ppd::readJsonFile(path);
  return ppd::UNetConfig::fromJson(ppd::JsonView(json, path));
}

ppd::UNetConfig configFromText(const std::string& text) {
  const ppd::Json json = ppd::Json::parse(text);
  return ppd::UNetConfig::fromJson(ppd::JsonView(json, "test-config.json"));
}

// Builds the UNet of a tiny fixture model from its folder, checking every key is used.
struct LoadedUNet {
  ppd::WeightStore store;
  ppd::WeightLoader loader;
  ppd::UNet2DConditionModel model;
  explicit LoadedUNet(const std::string& unetDir, const std::string& weightsFile = "")
      : store(weightsFile.empty() ? ppd::WeightStore::openComponent(unetDir, {"diffusion_pytorch_model"}, "")
                                  : ppd::WeightStore::openFile(weightsFile)),
        loader(&store, at::TensorOptions().dtype(at::kFloat), "unet"),
        model(readConfig(unetDir + "/config.json"), ppd::ParamScope(loader)) {
    loader.finish();
  }
};

// (a) every golden case of a tiny model: step0 inputs through our UNet vs diffusers' step0.unet_output.
void checkGoldenCases(const std::string& model) {
  const auto fixtures = ppd::test::sharedDir() + "/fixtures";
  LoadedUNet unet(fixtures + "/" + model + "/unet");
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(fixtures + "/golden/" + model)) {
    const auto path = entry.path().string();
    if (path.size() < 5 || path.substr(path.size() - 5) != ".json") continue;
    const ppd::Json json = ppd::readJsonFile(path);
    const double atol = json.at("tolerance").at("step0_unet_output_atol").get<double>();
    const auto tensors =
        ppd::loadAllTensors((entry.path().parent_path() / json.at("tensors").at("file").get<std::string>()).string());
    ppd::AddedCondition added;
    const bool sdxl = tensors.count("added_cond.text_embeds") > 0;
    if (sdxl) added = {tensors.at("added_cond.text_embeds"), tensors.at("added_cond.time_ids")};
    const auto out = unet.model.forward(tensors.at("step0.latent_model_input"), tensors.at("step0.timestep"),
                                        tensors.at("encoder_hidden_states"), sdxl ? &added : nullptr);
    const auto& expected = tensors.at("step0.unet_output");
    EXPECT_MSG(out.sizes() == expected.sizes(), entry.path().filename() << ": shape " << out.sizes() << " vs "
                                                                        << expected.sizes());
    const double err = (out - expected).abs().max().item<double>();
    std::cout << "       " << model << "/" << entry.path().stem().string() << ": max |unet - golden| = " << err
              << " (atol " << atol << ")\n";
    EXPECT_MSG(err <= atol, entry.path().filename() << ": max error " << err << " > " << atol);
    ++cases;
  }
  EXPECT_MSG(cases > 0, "no golden cases for " << model);
}

}  // namespace

TEST_CASE("unet: golden step0 output, sd15-tiny") { checkGoldenCases("sd15-tiny"); }
TEST_CASE("unet: golden step0 output, sd21-tiny") { checkGoldenCases("sd21-tiny"); }
TEST_CASE("unet: golden step0 output, sd-turbo-tiny") { checkGoldenCases("sd-turbo-tiny"); }
TEST_CASE("unet: golden step0 output, sdxl-tiny") { checkGoldenCases("sdxl-tiny"); }
TEST_CASE("unet: golden step0 output, sdxl-turbo-tiny") { checkGoldenCases("sdxl-turbo-tiny"); }
TEST_CASE("unet: golden step0 output, ssd1b-tiny") { checkGoldenCases("ssd1b-tiny"); }
TEST_CASE("unet: golden step0 output, playground25-tiny") { checkGoldenCases("playground25-tiny"); }

// (b) the real configs in meta mode: exactly the manifest's names and shapes, nothing allocated.
TEST_CASE("unet: real configs build exactly the manifest's parameters (meta mode)") {
  const auto spec = ppd::test::sharedDir() + "/spec";
  for (const std::string model : kModels) {
    ppd::WeightLoader loader(nullptr, at::TensorOptions().dtype(at::kFloat), "unet");
    ppd::UNet2DConditionModel unet(readConfig(spec + "/configs/" + model + "/unet/config.json"),
                                   ppd::ParamScope(loader));
    const ppd::Json manifest = ppd::readJsonFile(spec + "/manifests/" + model + "/unet.json");
    const auto& keys = manifest.at("keys");
    std::map<std::string, std::vector<int64_t>> ours;
    for (const auto& p : loader.specs()) {
      EXPECT_MSG(ours.emplace(p.name, p.shape).second, model << ": key taken twice: " << p.name);
    }
    for (const auto& [name, shape] : keys.items()) {
      EXPECT_MSG(ours.count(name), model << ": missing " << name);
      EXPECT_MSG(ours.at(name) == shape.get<std::vector<int64_t>>(), model << ": shape of " << name);
    }
    for (const auto& [name, shape] : ours) EXPECT_MSG(keys.contains(name), model << ": unexpected " << name);
    EXPECT(ours.size() == keys.size());
    int64_t elements = 0;
    for (const auto& [name, shape] : ours) elements += c10::multiply_integers(shape);
    EXPECT_MSG(elements == manifest.at("num_elements").get<int64_t>(), model << ": " << elements << " parameters");
  }
}

TEST_CASE("unet: SSD-1B config reads its asymmetric transformer depths and resnet-only mid block") {
  const auto c = readConfig(ppd::test::sharedDir() + "/spec/configs/ssd1b/unet/config.json");
  EXPECT(c.midBlockType == "UNetMidBlock2D");
  EXPECT((c.downTransformerLayers == std::vector<std::vector<int64_t>>{{1, 1}, {2, 2}, {4, 4}}));
  EXPECT((c.upTransformerLayers == std::vector<std::vector<int64_t>>{{4, 4, 10}, {2, 1, 1}, {1, 1, 1}}));
  EXPECT((c.numAttentionHeads == std::vector<int64_t>{5, 10, 20}));
  const auto sd15 = readConfig(ppd::test::sharedDir() + "/spec/configs/sd15/unet/config.json");
  EXPECT((sd15.numAttentionHeads == std::vector<int64_t>{8, 8, 8, 8}));
  EXPECT(!sd15.useLinearProjection && sd15.midTransformerLayers == 1 && sd15.additionEmbedType.empty());
}

// (c) a broken weights file: one ERR_MODEL_LOAD that lists every problem.
TEST_CASE("unet: missing and misshapen keys are one ERR_MODEL_LOAD listing them") {
  const auto dir = ppd::test::sharedDir() + "/fixtures/sd15-tiny/unet";
  auto tensors = ppd::loadAllTensors(dir + "/diffusion_pytorch_model.safetensors");
  tensors.erase("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight");
  tensors.erase("conv_out.bias");
  tensors["up_blocks.1.resnets.2.conv1.weight"] = at::zeros({3, 3, 3, 3});
  tensors["unrelated.extra"] = at::zeros({1});
  const auto path = (fs::temp_directory_path() / "ppd-test-unet-broken.safetensors").string();
  ppd::saveSafetensors(path, tensors);
  bool threw = false;
  try {
    LoadedUNet unet(dir, path);
  } catch (const ppd::EngineError& e) {
    threw = true;
    const std::string msg = e.what();
    EXPECT_MSG(e.code() == ErrorCode::ModelLoad, msg);
    for (const char* part : {"mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight", "conv_out.bias",
                             "up_blocks.1.resnets.2.conv1.weight", "unrelated.extra", path.c_str()})
      EXPECT_MSG(msg.find(part) != std::string::npos, "message lacks " << part << ": " << msg);
  }
  fs::remove(path);
  EXPECT_MSG(threw, "a broken UNet file loaded without error");
}

TEST_CASE("unet: unsupported config options are rejected by name") {
  EXPECT_THROWS_CODE(configFromText(R"({"only_cross_attention": true, "dual_cross_attention": true})"),
                     ErrorCode::ModelLoad, "only_cross_attention; dual_cross_attention");
  EXPECT_THROWS_CODE(configFromText(R"({"class_embed_type": "timestep"})"), ErrorCode::ModelLoad, "class_embed_type");
  EXPECT_THROWS_CODE(configFromText(R"({"down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
                                        "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
                                        "block_out_channels": [8, 16],
                                        "transformer_layers_per_block": [1, [2, 3]]})"),
                     ErrorCode::ModelLoad, "reverse_transformer_layers_per_block");
  EXPECT_THROWS_CODE(configFromText(R"({"attention_head_dim": [8, 8]})"), ErrorCode::ModelLoad, "attention_head_dim");
  EXPECT_THROWS_CODE(configFromText(R"({"layers_per_block": 0})"), ErrorCode::ModelLoad, "layers_per_block");
  // Shape rules that need the whole structure surface while building, still before any weight is read.
  ppd::WeightLoader meta(nullptr, at::TensorOptions().dtype(at::kFloat), "unet");
  EXPECT_THROWS_CODE(ppd::UNet2DConditionModel(configFromText(R"({"norm_num_groups": 3})"), ppd::ParamScope(meta)),
                     ErrorCode::ModelLoad, "down_blocks.0.resnets.0: 320 channels do not split into 3 norm groups");
  EXPECT_THROWS_CODE(ppd::UNet2DConditionModel(configFromText(R"({"attention_head_dim": 7})"), ppd::ParamScope(meta)),
                     ErrorCode::ModelLoad, "down_blocks.0.attentions.0: 320 channels do not split into 7");
}

TEST_CASE("unet: SDXL UNet without added conditions is ERR_INVALID_ARG") {
  const auto dir = ppd::test::sharedDir() + "/fixtures/sdxl-tiny/unet";
  LoadedUNet unet(dir);
  const auto sample = at::zeros({1, 4, 8, 8});
  EXPECT_THROWS_CODE(unet.model.forward(sample, at::scalar_tensor(10), at::zeros({1, 77, 80}), nullptr),
                     ErrorCode::InvalidArg, "time_ids");
  ppd::AddedCondition wrong{at::zeros({1, 12}), at::zeros({1, 6})};
  EXPECT_THROWS_CODE(unet.model.forward(sample, at::scalar_tensor(10), at::zeros({1, 77, 80}), &wrong),
                     ErrorCode::InvalidArg, "add_embedding input 88");
  EXPECT_THROWS_CODE(unet.model.forward(sample, at::scalar_tensor(10), at::zeros({1, 77, 32}), &wrong),
                     ErrorCode::InvalidArg, "encoder_hidden_states");
}
