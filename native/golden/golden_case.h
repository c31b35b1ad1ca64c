#pragma once
// The shared golden cases (fixtures/golden/<model>/<case>.json; semantics in fixtures/README.md),
// read by the engine tests and by tools/gpu_check. Header-only: neither target links more for it.
#include <ATen/ATen.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/io/safetensors.h"
#include "engine/pipeline/generate_request.h"

namespace ppd::golden {

inline const std::vector<std::string>& tinyModels() {
  static const std::vector<std::string> models = {"sd15-tiny",       "sd21-tiny",  "sd-turbo-tiny",    "sdxl-tiny",
                                                  "sdxl-turbo-tiny", "ssd1b-tiny", "playground25-tiny"};
  return models;
}

struct GoldenCase {
  std::string model;  // "sd15-tiny"
  std::string name;   // "astronaut_pndm10"
  std::string dir;    // fixtures/golden/<model>
  std::string modelDir;
  Json json;
  std::map<std::string, at::Tensor> tensors;  // <case>.safetensors (the reference's outputs)
};

// The cases of one model, sorted by name; none is an error naming the folder.
inline std::vector<GoldenCase> loadCases(const std::string& fixturesDir, const std::string& model) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(fixturesDir) / "golden" / model;
  std::vector<std::string> names;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string file = entry.path().filename().string();
      if (file.size() > 5 && file.ends_with(".json")) names.push_back(file.substr(0, file.size() - 5));
    }
  }
  if (names.empty()) fail(ErrorCode::Io, "no golden cases in " + dir.string());
  std::sort(names.begin(), names.end());
  std::vector<GoldenCase> cases;
  for (const auto& name : names) {
    GoldenCase c;
    c.model = model;
    c.name = name;
    c.dir = dir.string();
    c.json = readJsonFile((dir / (name + ".json")).string());
    c.modelDir = (dir / c.json.at("model_dir").get<std::string>()).lexically_normal().string();
    c.tensors = loadAllTensors((dir / c.json.at("tensors").at("file").get<std::string>()).string());
    cases.push_back(std::move(c));
  }
  return cases;
}

// Token ids `tokens.<key>` ("prompt.0", "negative.1") as int64 [1, 77]; undefined when absent.
inline at::Tensor tokens(const GoldenCase& c, const std::string& key) {
  const auto& all = c.json.at("tokens");
  if (!all.contains(key)) return at::Tensor();
  const auto ids = all.at(key).get<std::vector<int64_t>>();
  return at::tensor(ids, at::kLong).view({1, static_cast<int64_t>(ids.size())});
}

// The case as an engine request, with the reference's initial latents and ancestral noise, so
// that the trajectory is comparable step by step. Negative ids are those the reference encoded:
// absent for SDXL's zero negatives (fixtures/README.md).
inline GenerateRequest generateRequest(const GoldenCase& c) {
  GenerateRequest r;
  for (const char* kind : {"prompt", "negative"}) {
    for (int i = 0; i < 2; ++i) {
      const at::Tensor ids = tokens(c, std::string(kind) + "." + std::to_string(i));
      if (!ids.defined()) continue;
      (std::string(kind) == "prompt" ? r.promptIds : r.negativeIds).push_back(ids);
    }
  }
  const auto& in = c.json.at("inputs");
  r.seed = in.at("seed").get<uint64_t>();
  r.steps = in.at("steps").get<int64_t>();
  r.guidance = in.at("guidance_scale").get<double>();
  if (in.contains("guidance_rescale") && !in.at("guidance_rescale").is_null()) {
    r.guidanceRescale = in.at("guidance_rescale").get<double>();
  }
  r.width = in.at("width").get<int64_t>();
  r.height = in.at("height").get<int64_t>();
  const auto& scheduler = c.json.at("scheduler");
  if (scheduler.contains("override") && !scheduler.at("override").is_null()) {
    r.schedulerClass = scheduler.at("class").get<std::string>();
    r.schedulerOverride = scheduler.at("override");
    r.schedulerOverride.erase("_class_name");
  }
  const auto inputs = loadAllTensors(
      (std::filesystem::path(c.dir) / c.json.at("init_latents").at("file").get<std::string>()).string());
  r.initLatents = inputs.at("latents");
  for (const auto& [name, t] : inputs) {
    if (name.starts_with("noise.")) r.stepNoise[std::stoll(name.substr(6))] = t;
  }
  return r;
}

}  // namespace ppd::golden
