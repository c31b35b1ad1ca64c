#include <filesystem>
#include <iostream>

#include "engine/core/error.h"
#include "engine/io/model_folder.h"
#include "engine/io/weight_loader.h"
#include "engine/models/autoencoder_kl_decoder.h"
#include "golden_util.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;

namespace {

struct LoadedVae {
  ppd::AutoencoderKLDecoder decoder;
  ppd::LoadReport report;
};

LoadedVae loadVae(const ppd::WeightStore& store, const ppd::ConfigFile& config) {
  ppd::WeightLoader loader(&store, at::TensorOptions().dtype(at::kFloat), "vae");
  LoadedVae out{ppd::AutoencoderKLDecoder(ppd::AutoencoderKLConfig::fromJson(config.view()), ppd::ParamScope(loader)),
                {}};
  out.report = loader.finish();
  return out;
}

LoadedVae loadVae(const ppd::ModelFolder& folder) {
  return loadVae(folder.chooseWeights("vae", "").open(), folder.config("vae"));
}

// fp32 decoding of the golden `vae_input`: the README's noise floor for decoded images is 2e-5
// (1 vs 2 threads); we allow a little more for the SDPA-vs-bmm attention difference.
constexpr double kDecodeTol = 5e-5;

}  // namespace

TEST_CASE("vae decoder: golden image_decoded from vae_input, every case of every tiny model") {
  double worst = 0;
  std::string worstCase;
  for (const auto& model : kTinyModels) {
    const auto cases = goldenCases(model);
    const auto folder = ppd::ModelFolder::open(cases.front().modelDir);
    const auto vae = loadVae(folder);
    for (const auto& c : cases) {
      const at::Tensor image = vae.decoder.decode(goldenTensor(c, "vae_input"));
      const double err = maxAbsDiff(image, goldenTensor(c, "image_decoded"));
      if (err > worst) {
        worst = err;
        worstCase = model + "/" + c.name;
      }
      EXPECT_MSG(err <= kDecodeTol, model << "/" << c.name << ": image_decoded max error " << err);
    }
  }
  std::cout << "       max error image_decoded: " << worst << " (" << worstCase << ")\n";
}

TEST_CASE("vae decoder: encoder and quant_conv keys are skipped and counted") {
  const auto folder = ppd::ModelFolder::open(fixturesDir() + "/sd15-tiny");
  const auto store = folder.chooseWeights("vae", "").open();
  size_t encoderKeys = 0;
  for (const auto& name : store.names())
    if (name.starts_with("encoder.") || name.starts_with("quant_conv.")) ++encoderKeys;
  const auto vae = loadVae(store, folder.config("vae"));
  EXPECT(encoderKeys > 0);
  EXPECT_MSG(vae.report.skipped == encoderKeys, vae.report.skipped << " skipped vs " << encoderKeys);
  EXPECT(vae.report.loaded + vae.report.skipped == store.names().size());
  EXPECT(vae.report.skippedPrefixes == std::vector<std::string>({"encoder.", "quant_conv."}));
  const auto& c = vae.decoder.config();
  EXPECT(c.scalingFactor == 0.18215 && !c.shiftFactor && !c.latentsMean && c.forceUpcast);
}

TEST_CASE("vae decoder: legacy mid-block attention names load and decode identically") {
  const auto folder = ppd::ModelFolder::open(fixturesDir() + "/sd15-tiny");
  const auto modern = loadVae(folder);
  // Rename to_q/to_k/to_v/to_out.0 -> query/key/value/proj_attn, as older exports store them.
  const auto store = folder.chooseWeights("vae", "").open();
  std::map<std::string, at::Tensor> renamed;
  const std::vector<std::pair<std::string, std::string>> names = {
      {".to_q.", ".query."}, {".to_k.", ".key."}, {".to_v.", ".value."}, {".to_out.0.", ".proj_attn."}};
  size_t changed = 0;
  for (const auto& name : store.names()) {
    std::string legacy = name;
    for (const auto& [now, old] : names) {
      const auto at = legacy.find(now);
      if (at == std::string::npos) continue;
      legacy.replace(at, now.size(), old);
      ++changed;
    }
    renamed[legacy] = store.view(name);
  }
  EXPECT(changed == 16);  // encoder and decoder mid blocks x 4 projections x (weight, bias)
  const auto path = (fs::temp_directory_path() / "ppd-test-legacy-vae.safetensors").string();
  ppd::saveSafetensors(path, renamed);
  const auto legacy = loadVae(ppd::WeightStore::openFile(path), folder.config("vae"));
  const at::Tensor z = at::randn({1, 4, 8, 8}, at::TensorOptions().dtype(at::kFloat));
  EXPECT(at::equal(legacy.decoder.decode(z), modern.decoder.decode(z)));
  fs::remove(path);
}

TEST_CASE("vae decoder: config values for the pipeline (Playground latents_mean/std)") {
  const auto folder = ppd::ModelFolder::open(fixturesDir() + "/playground25-tiny");
  const auto c = ppd::AutoencoderKLConfig::fromJson(folder.config("vae").view());
  EXPECT(c.scalingFactor == 0.5 && c.forceUpcast && !c.shiftFactor);
  EXPECT(c.latentsMean && c.latentsStd && c.latentsMean->size() == 4 && (*c.latentsStd)[3] == 5.2299);
  EXPECT(c.blockOutChannels == std::vector<int64_t>({8, 16, 16, 16}) && c.normNumGroups == 4);
}

TEST_CASE("vae decoder: wrong latent shape is ERR_INVALID_ARG") {
  const auto folder = ppd::ModelFolder::open(fixturesDir() + "/sd15-tiny");
  const auto vae = loadVae(folder);
  EXPECT_THROWS_CODE(vae.decoder.decode(at::zeros({1, 3, 8, 8})), ErrorCode::InvalidArg, "expected latents");
}
