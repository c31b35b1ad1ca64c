#include "engine/io/model_folder.h"

#include <algorithm>
#include <filesystem>

#include "engine/core/error.h"
#include "engine/io/model_path.h"

namespace fs = std::filesystem;

namespace ppd {

std::string WeightChoice::describe() const {
  const std::string used = variant.empty() ? "plain" : variant;
  if (!fellBack()) return component + ": " + used + " weights";
  return component + ": " + requestedVariant + " weights requested but absent, using the " + used + " files";
}

ModelFolder ModelFolder::open(const std::string& dir) {
  ModelFolder folder;
  folder.dir_ = dir;
  if (statModelPath(dir) != PathKind::Directory) fail(ErrorCode::ModelLoad, dir + ": not a folder");
  const std::string indexPath = (fs::path(dir) / "model_index.json").string();
  folder.modelIndex_ = {indexPath, readJsonFile(indexPath)};
  const Json& index = folder.modelIndex_.json;
  if (!index.is_object()) fail(ErrorCode::ModelLoad, indexPath + ": expected a JSON object");
  folder.pipelineClass_ = folder.modelIndex_.view().get<std::string>("_class_name");
  for (const auto& [key, value] : index.items()) {
    // Entries are [library, class]; [null, null] marks a component the pipeline runs without.
    // Other keys are pipeline settings (`_class_name`, `force_zeros_for_empty_prompt`, ...).
    if (key.empty() || key[0] == '_' || !value.is_array()) continue;
    if (value.size() == 2 && value[0].is_null() && value[1].is_null()) continue;
    if (value.size() != 2 || !value[0].is_string() || !value[1].is_string())
      fail(ErrorCode::ModelLoad, indexPath + ": key \"" + key + "\" must be [library, class], got " + value.dump());
    folder.components_.push_back({key, value[0].get<std::string>(), value[1].get<std::string>()});
  }
  return folder;
}

bool ModelFolder::has(const std::string& component) const {
  return std::any_of(components_.begin(), components_.end(),
                     [&](const ComponentEntry& c) { return c.name == component; });
}

const ComponentEntry& ModelFolder::component(const std::string& name) const {
  for (const auto& c : components_)
    if (c.name == name) return c;
  fail(ErrorCode::ModelLoad, modelIndex_.path + ": no component \"" + name + "\"");
}

std::string ModelFolder::componentDir(const std::string& name) const {
  component(name);
  const fs::path path = resolveInsideFolder(dir_, name, modelIndex_.path);
  if (statModelPath(path.string()) != PathKind::Directory)
    fail(ErrorCode::ModelLoad, path.string() + ": folder of component \"" + name + "\" (listed in " +
                                   modelIndex_.path + ") is missing");
  return path.string();
}

ConfigFile ModelFolder::config(const std::string& component) const {
  const std::string path = (fs::path(componentDir(component)) / "config.json").string();
  return {path, readJsonFile(path)};
}

ConfigFile ModelFolder::schedulerConfig() const {
  const std::string path = (fs::path(componentDir("scheduler")) / "scheduler_config.json").string();
  return {path, readJsonFile(path)};
}

WeightChoice ModelFolder::chooseWeights(const std::string& component, const std::string& variant) const {
  const ComponentEntry& entry = this->component(component);
  WeightChoice choice;
  choice.component = component;
  choice.dir = componentDir(component);
  if (entry.library == "transformers") {
    choice.baseNames = {"model"};
  } else if (entry.library == "diffusers") {
    choice.baseNames = {"diffusion_pytorch_model"};
  } else {
    choice.baseNames = {"diffusion_pytorch_model", "model"};
  }
  choice.requestedVariant = variant;
  const bool useVariant = !variant.empty() && WeightStore::componentExists(choice.dir, choice.baseNames, variant);
  choice.variant = useVariant ? variant : "";
  return choice;
}

}  // namespace ppd
