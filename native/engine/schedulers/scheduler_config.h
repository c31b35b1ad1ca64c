#pragma once
#include <initializer_list>
#include <optional>
#include <string>

#include "engine/core/json_file.h"

namespace ppd {

// A scheduler's resolved config (model scheduler_config.json + overrides + the class defaults)
// with typed lookups. Every malformed value is ERR_INVALID_ARG naming the class, key and value, so
// a bad override is reported where it was given rather than deep inside a step.
class SchedulerConfig {
 public:
  SchedulerConfig(std::string className, Json resolved);

  const std::string& className() const { return className_; }
  const Json& json() const { return json_; }

  bool isNull(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  // Accepts JSON numbers and the strings "inf"/"-inf"/"Infinity"/"-Infinity": Python's json module
  // writes float('-inf') (DPMSolver's lambda_min_clipped default) as the bare token -Infinity.
  double number(const std::string& key) const;
  std::optional<double> optionalNumber(const std::string& key) const;
  bool boolean(const std::string& key) const;
  // A string that must be one of `allowed`.
  std::string choice(const std::string& key, std::initializer_list<const char*> allowed) const;
  // A string value of a key whose default is null (e.g. DPMSolver's variance_type); nullopt when null.
  std::optional<std::string> optionalString(const std::string& key) const;

  [[noreturn]] void invalid(const std::string& key, const std::string& expectation) const;

 private:
  const Json& at(const std::string& key) const;

  std::string className_;
  Json json_;
};

}  // namespace ppd
