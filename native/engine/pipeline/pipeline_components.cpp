#include "engine/pipeline/pipeline_components.h"

#include <algorithm>
#include <chrono>

#include "engine/core/error.h"
#include "engine/core/freed_heap.h"
#include "engine/device/device.h"
#include "engine/device/host_transfer.h"
#include "engine/io/weight_loader.h"

namespace ppd {
namespace {

// Opens a component's weights, builds the module through `build(scope)` and checks that the
// weights and the config agree exactly (missing / mismatched / unexpected keys are one error).
// The report also says how long that took and the process's resident memory after it: current
// (`rssBytes`) and peak so far (`peakRssBytes`, VmHWM, never reset here: a reset would shorten the
// peak of a generation running on another pipeline), so the component whose load raised the peak shows.
template <class Build>
auto loadComponent(const ModelFolder& folder, const std::string& name, const std::string& variant,
                   at::TensorOptions options, nlohmann::json& report, const CancelToken* cancel, Build build) {
  if (cancel) cancel->throwIfCancelled("loading " + folder.dir() + " before its " + name);
  if (!folder.has(name)) fail(ErrorCode::ModelLoad, folder.dir() + "/model_index.json: no \"" + name + "\" component");
  const auto started = std::chrono::steady_clock::now();
  const WeightChoice choice = folder.chooseWeights(name, variant);
  const WeightStore store = choice.open();
  checkParameterBudget(store, options, folder.componentDir(name), build);
  WeightLoader loader(&store, options, folder.componentDir(name));
  loader.setTraceRoot(name);
  loader.setCancel(cancel);
  auto module = build(ParamScope(loader));
  const LoadReport r = loader.finish();
  // Kernels copied out of fp32 files (channels_last, oneDNN's layout) left the file pages they were
  // read from resident: give every page of the files back (weights still used as views of the file
  // fault back in from the page cache when read), and the freed copies' heap with them.
  for (const auto& key : store.names()) store.releasePages(key);
  returnFreedHeapToOs();
  const int64_t rss = currentRssBytes();
  report[name] = {{"files", store.files()}, {"variant", choice.variant}, {"note", choice.describe()},
                  {"loaded", r.loaded}, {"skipped", r.skipped}, {"skippedPrefixes", r.skippedPrefixes},
                  {"loadMs", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()},
                  {"rssBytes", rss}, {"peakRssBytes", std::max(peakRssBytes(), rss)}};
  return module;
}

}  // namespace

std::unique_ptr<PipelineComponents> PipelineComponents::load(const std::string& modelDir, at::Device device,
                                                             at::ScalarType dtype, const std::string& variant,
                                                             const CancelToken* cancel) {
  if (cancel) cancel->throwIfCancelled("before loading " + modelDir);
  auto c = std::make_unique<PipelineComponents>();
  c->folder = ModelFolder::open(modelDir);
  c->family = ModelFamily::detect(c->folder);
  c->device = device;
  c->dtype = dtype;
  const std::string files = variant == "auto" ? (dtype == at::kFloat ? "" : "fp16") : variant;
  const auto options = at::TensorOptions().device(device).dtype(dtype);

  std::vector<std::string> encoders = {"text_encoder"};
  if (c->family.features.dualTextEncoders) encoders.push_back("text_encoder_2");
  for (const auto& name : encoders) {
    const auto config = ClipTextConfig::fromJson(c->folder.config(name).view());
    const bool withProjection = c->folder.component(name).className == "CLIPTextModelWithProjection";
    c->textEncoders.push_back(loadComponent(c->folder, name, files, options, c->loadReport, cancel, [&](const ParamScope& s) {
      return ClipTextModel(config, s, withProjection);
    }));
  }

  const auto unetConfig = UNetConfig::fromJson(c->folder.config("unet").view());
  c->unet = loadComponent(c->folder, "unet", files, options, c->loadReport, cancel, [&](const ParamScope& s) {
    return std::make_unique<UNet2DConditionModel>(unetConfig, s);
  });

  const auto vaeConfig = AutoencoderKLConfig::fromJson(c->folder.config("vae").view());
  // The SDXL VAE overflows in fp16: diffusers' SDXL pipelines decode in fp32 when the VAE's
  // force_upcast is set. StableDiffusionPipeline (SD 1.5 / 2.1 / Turbo) has no such rule and decodes
  // in the model's dtype; bf16 has fp32's range and is never upcast.
  c->vaeDtype = (dtype == at::kHalf && vaeConfig.forceUpcast && c->sdxl()) ? at::kFloat : dtype;
  c->vae = loadComponent(c->folder, "vae", files, options.dtype(c->vaeDtype), c->loadReport, cancel,
                         [&](const ParamScope& s) { return AutoencoderKLDecoder(vaeConfig, s); });
  c->vaeScaleFactor = int64_t{1} << (vaeConfig.blockOutChannels.size() - 1);

  finishUploads(device);  // one wait for every queued weight copy, then the staging memory is returned

  c->schedulerConfig = c->folder.schedulerConfig().json;
  const auto& index = c->folder.modelIndex().json;
  c->forceZerosForEmptyPrompt = index.value("force_zeros_for_empty_prompt", true);
  return c;
}

}  // namespace ppd
