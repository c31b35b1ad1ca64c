// Module structure against the real models' manifests (spec/manifests/<model>/<component>.json),
// built in meta mode from the real configs (spec/configs/<model>): names and shapes only, no
// weight is allocated.
#include <iostream>
#include <set>
#include <sstream>

#include "engine/io/model_folder.h"
#include "engine/io/weight_loader.h"
#include "engine/models/autoencoder_kl_decoder.h"
#include "engine/models/clip_text_model.h"
#include "test_framework.h"

namespace {

const std::vector<std::string> kRealModels = {"sd15",       "sd21",  "sd-turbo",    "sdxl-base",
                                              "sdxl-turbo", "ssd1b", "playground25"};

using KeyShapes = std::map<std::string, std::vector<int64_t>>;

std::string shapeText(const std::vector<int64_t>& shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  return out.str() + "]";
}

// Compares the loader's requested parameters with the manifest keys that `keep` accepts.
void expectSameKeys(const std::string& what, const ppd::WeightLoader& loader, const std::string& manifestPath,
                    const std::function<bool(const std::string&)>& keep) {
  const ppd::Json manifest = ppd::readJsonFile(manifestPath);
  KeyShapes expected;
  for (const auto& [name, shape] : manifest.at("keys").items())
    if (keep(name)) expected[name] = shape.get<std::vector<int64_t>>();
  KeyShapes built;
  for (const auto& spec : loader.specs()) {
    EXPECT_MSG(!built.count(spec.name), what << ": parameter " << spec.name << " requested twice");
    built[spec.name] = spec.shape;
  }
  std::string problems;
  for (const auto& [name, shape] : expected) {
    auto it = built.find(name);
    if (it == built.end()) {
      problems += "\n  not built: " + name;
    } else if (it->second != shape) {
      problems += "\n  shape of " + name + ": built " + shapeText(it->second) + ", manifest " + shapeText(shape);
    }
  }
  for (const auto& [name, shape] : built)
    if (!expected.count(name)) problems += "\n  not in the manifest: " + name;
  EXPECT_MSG(problems.empty(), what << " vs " << manifestPath << ":" << problems);
}

std::string specDir() { return ppd::test::sharedDir() + "/spec"; }

}  // namespace

TEST_CASE("structure: text encoders of the 7 real models match the manifests (meta mode)") {
  size_t checked = 0;
  for (const auto& model : kRealModels) {
    const auto folder = ppd::ModelFolder::open(specDir() + "/configs/" + model);
    for (const std::string component : {"text_encoder", "text_encoder_2"}) {
      if (!folder.has(component)) continue;
      ppd::WeightLoader loader(nullptr, at::TensorOptions().dtype(at::kFloat), component);
      const bool withProjection = folder.component(component).className == "CLIPTextModelWithProjection";
      const ppd::ClipTextModel encoder(ppd::ClipTextConfig::fromJson(folder.config(component).view()),
                                       ppd::ParamScope(loader), withProjection);
      EXPECT(encoder.text_model.final_layer_norm.weight.is_meta());
      // The legacy int64 buffer `text_model.embeddings.position_ids` (listed under the manifests'
      // optional_keys, not under keys) is deliberately not built: positions are implicit.
      expectSameKeys(model + "/" + component, loader,
                     specDir() + "/manifests/" + model + "/" + component + ".json",
                     [](const std::string& name) { return name != "text_model.embeddings.position_ids"; });
      ++checked;
    }
  }
  EXPECT(checked == 11);  // 3 single-encoder models + 4 dual-encoder models
}

TEST_CASE("structure: VAE decoders of the 7 real models match the manifests' decoder subset (meta mode)") {
  for (const auto& model : kRealModels) {
    const auto folder = ppd::ModelFolder::open(specDir() + "/configs/" + model);
    ppd::WeightLoader loader(nullptr, at::TensorOptions().dtype(at::kFloat), "vae");
    const ppd::AutoencoderKLDecoder vae(ppd::AutoencoderKLConfig::fromJson(folder.config("vae").view()),
                                        ppd::ParamScope(loader));
    EXPECT(vae.conv_out.weight.is_meta());
    // Only the decoding half is built: the manifests' `encoder.*` and `quant_conv.*` keys are
    // ignored here (the loader skips them in real files and counts them in its report).
    expectSameKeys(model + "/vae", loader, specDir() + "/manifests/" + model + "/vae.json", [](const std::string& name) {
      return !name.starts_with("encoder.") && !name.starts_with("quant_conv.");
    });
  }
}
