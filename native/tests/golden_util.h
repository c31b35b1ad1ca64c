#pragma once
// Helpers for tests that compare against the shared golden cases (fixtures/golden/<model>/<case>.json).
// Internal linkage (and maybe_unused), so other test files may define helpers with the same names.
#include <ATen/ATen.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "golden/golden_case.h"
#include "test_framework.h"

namespace {

using ppd::golden::GoldenCase;

const std::vector<std::string>& kTinyModels = ppd::golden::tinyModels();

[[maybe_unused]] std::string fixturesDir() { return ppd::test::sharedDir() + "/fixtures"; }

[[maybe_unused]] std::vector<GoldenCase> goldenCases(const std::string& model) {
  return ppd::golden::loadCases(fixturesDir(), model);
}

// Token ids `tokens.<key>` ("prompt.0", "negative.1") as int64 [1, 77]; undefined when absent.
[[maybe_unused]] at::Tensor goldenTokens(const GoldenCase& c, const std::string& key) { return ppd::golden::tokens(c, key); }

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
