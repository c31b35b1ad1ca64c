#pragma once
// gpu-check's report (one PASS/FAIL line per check, the whole as JSON) and the helpers its checks
// share: image distance in uint8 levels, and running work the way the engine reports its errors.
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/error.h"

namespace gpu_check {

class Report {
 public:
  void add(const std::string& check, bool pass, nlohmann::json detail) {
    detail["check"] = check;
    detail["pass"] = pass;
    std::cout << (pass ? "PASS " : "FAIL ") << std::left << std::setw(58) << check << " " << describe(detail) << "\n"
              << std::flush;
    failed_ += pass ? 0 : 1;
    checks_.push_back(std::move(detail));
  }
  void info(const std::string& what, nlohmann::json detail) {
    std::cout << "     " << std::left << std::setw(58) << what << " " << describe(detail) << "\n" << std::flush;
    detail["info"] = what;
    checks_.push_back(std::move(detail));
  }
  int failed() const { return failed_; }
  nlohmann::json json() const { return checks_; }

 private:
  static std::string describe(const nlohmann::json& d) {
    std::ostringstream out;
    for (const auto& [k, v] : d.items()) {
      if (k == "check" || k == "pass") continue;
      out << k << "=" << (v.is_number_float() ? formatNumber(v.get<double>()) : v.dump()) << " ";
    }
    return out.str();
  }
  static std::string formatNumber(double v) {
    std::ostringstream out;
    out << std::setprecision(4) << v;
    return out.str();
  }
  std::vector<nlohmann::json> checks_;
  int failed_ = 0;
};

// uint8 images [H, W, 3]: mean and max absolute level difference, fraction within `levels`.
inline nlohmann::json imageDistance(const at::Tensor& ours, const at::Tensor& reference, int64_t levels) {
  const at::Tensor d = (ours.to(at::kCPU).to(at::kInt) - reference.to(at::kInt)).abs();
  return {{"meanLevelDiff", d.to(at::kDouble).mean().item<double>()},
          {"maxLevelDiff", d.max().item<int64_t>()},
          {"withinLevels", levels},
          {"fractionWithin", d.le(levels).to(at::kDouble).mean().item<double>()}};
}

struct Failure {
  std::string code = "none";  // the engine's error code; "none" when the work succeeded
  std::string message;
};

// Runs `work`, catching what it throws as the engine would report it.
inline Failure failureOf(const std::function<void()>& work) {
  try {
    work();
  } catch (...) {
    const auto e = ppd::classifyCurrentException();
    return {ppd::errorCodeName(e.code), e.message.substr(0, 160)};
  }
  return {};
}

}  // namespace gpu_check
