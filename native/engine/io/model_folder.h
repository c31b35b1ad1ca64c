#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/core/json_file.h"
#include "engine/io/weight_store.h"

namespace ppd {

// A parsed JSON file that keeps its path, so lookups can name the file in errors.
struct ConfigFile {
  std::string path;
  Json json;
  JsonView view() const { return JsonView(json, path); }
};

// One `model_index.json` entry: "unet": ["diffusers", "UNet2DConditionModel"].
struct ComponentEntry {
  std::string name;
  std::string library;
  std::string className;
};

// Which weight files of a component will be loaded: the requested variant (e.g. "fp16") when the
// folder has it, else the plain files.
struct WeightChoice {
  std::string component;
  std::string dir;
  std::vector<std::string> baseNames;  // file stems: "model" (transformers), "diffusion_pytorch_model" (diffusers)
  std::string requestedVariant;
  std::string variant;  // what is used; "" = the plain files
  bool fellBack() const { return variant != requestedVariant; }
  // e.g. "unet: fp16 weights" or "vae: fp16 weights requested but absent, using the plain files".
  std::string describe() const;
  WeightStore open() const { return WeightStore::openComponent(dir, baseNames, variant); }
};

// A diffusers pipeline folder: model_index.json, one sub-folder per component (config.json +
// weights), scheduler/scheduler_config.json. Only configs are read on open; weights on demand.
class ModelFolder {
 public:
  static ModelFolder open(const std::string& dir);

  const std::string& dir() const { return dir_; }
  const ConfigFile& modelIndex() const { return modelIndex_; }
  // `_class_name` of model_index.json, e.g. "StableDiffusionXLPipeline".
  const std::string& pipelineClass() const { return pipelineClass_; }
  // Components with a non-null [library, class] entry, in model_index order.
  const std::vector<ComponentEntry>& components() const { return components_; }
  bool has(const std::string& component) const;
  const ComponentEntry& component(const std::string& name) const;
  std::string componentDir(const std::string& name) const;

  // <component>/config.json (the scheduler's is scheduler/scheduler_config.json).
  ConfigFile config(const std::string& component) const;
  ConfigFile schedulerConfig() const;

  // variant "" asks for the plain files.
  WeightChoice chooseWeights(const std::string& component, const std::string& variant) const;

 private:
  std::string dir_;
  ConfigFile modelIndex_;
  std::string pipelineClass_;
  std::vector<ComponentEntry> components_;
};

}  // namespace ppd
