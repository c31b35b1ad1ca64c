#pragma once
// Helpers for tests that compare against the shared golden cases (fixtures/golden/<model>/<case>.json).
// Internal linkage (and maybe_unused), so other test files may define helpers with the same names.
#include <ATen/ATen.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/core/json_file.h"
#include "engine/io/safetensors.h"
#include "test_framework.h"

namespace {

const std::vector<std::string> kTinyModels = {"sd15-tiny",  "sd21-tiny", "sd-turbo-tiny",    "sdxl-tiny",
                                              "sdxl-turbo-tiny", "ssd1b-tiny", "playground25-tiny"};

struct GoldenCase {
  std::string model;  // "sd15-tiny"
  std::string name;   // "astronaut_pndm10"
  std::string modelDir;
  ppd::Json json;
  std::map<std::string, at::Tensor> tensors;  // <case>.safetensors
};

[[maybe_unused]] std::string fixturesDir() { return ppd::test::sharedDir() + "/fixtures"; }

[[maybe_unused]] std::vector<GoldenCase> goldenCases(const std::string& model) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(fixturesDir()) / "golden" / model;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.size() > 5 && file.ends_with(".json")) names.push_back(file.substr(0, file.size() - 5));
  }
  std::sort(names.begin(), names.end());
  EXPECT_MSG(!names.empty(), "no golden cases in " << dir.string());
  std::vector<GoldenCase> cases;
  for (const auto& name : names) {
    GoldenCase c;
    c.model = model;
    c.name = name;
    c.json = ppd::readJsonFile((dir / (name + ".json")).string());
    c.modelDir = (dir / c.json.at("model_dir").get<std::string>()).lexically_normal().string();
    c.tensors = ppd::loadAllTensors((dir / c.json.at("tensors").at("file").get<std::string>()).string());
    cases.push_back(std::move(c));
  }
  return cases;
}

// Token ids `tokens.<key>` ("prompt.0", "negative.1") as int64 [1, 77]; undefined when absent.
[[maybe_unused]] at::Tensor goldenTokens(const GoldenCase& c, const std::string& key) {
  const auto& tokens = c.json.at("tokens");
  if (!tokens.contains(key)) return at::Tensor();
  const auto ids = tokens.at(key).get<std::vector<int64_t>>();
  return at::tensor(ids, at::kLong).view({1, static_cast<int64_t>(ids.size())});
}

[[maybe_unused]] const at::Tensor& goldenTensor(const GoldenCase& c, const std::string& name) {
  auto it = c.tensors.find(name);
  EXPECT_MSG(it != c.tensors.end(), c.model << "/" << c.name << ": golden tensor " << name << " missing");
  return it->second;
}

[[maybe_unused]] double maxAbsDiff(const at::Tensor& ours, const at::Tensor& golden) {
  EXPECT_MSG(ours.sizes() == golden.sizes(), "shape " << ours.sizes() << " vs golden " << golden.sizes());
  return (ours.to(at::kDouble) - golden.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace
