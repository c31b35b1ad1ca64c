#include "engine/schedulers/scheduler_config.h"

#include <cmath>
#include <limits>

#include "engine/core/error.h"

namespace ppd {

SchedulerConfig::SchedulerConfig(std::string className, Json resolved)
    : className_(std::move(className)), json_(std::move(resolved)) {}

void SchedulerConfig::invalid(const std::string& key, const std::string& expectation) const {
  const std::string got = json_.contains(key) ? json_.at(key).dump() : "nothing";
  fail(ErrorCode::InvalidArg,
       className_ + " config: \"" + key + "\" must be " + expectation + " (got " + got + ")");
}

const Json& SchedulerConfig::at(const std::string& key) const {
  // Every key a class reads has a default, so a missing one is a programming error, not user input.
  if (!json_.contains(key)) fail(ErrorCode::Internal, className_ + " config lacks \"" + key + "\"");
  return json_.at(key);
}

bool SchedulerConfig::isNull(const std::string& key) const { return at(key).is_null(); }

int64_t SchedulerConfig::integer(const std::string& key) const {
  const Json& v = at(key);
  if (v.is_number_integer()) return v.get<int64_t>();
  // Configs written by Python sometimes carry integral floats (1000.0).
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d)) return static_cast<int64_t>(d);
  }
  invalid(key, "an integer");
}

double SchedulerConfig::number(const std::string& key) const {
  const Json& v = at(key);
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "inf" || s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-inf" || s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  invalid(key, "a number");
}

std::optional<double> SchedulerConfig::optionalNumber(const std::string& key) const {
  if (at(key).is_null()) return std::nullopt;
  return number(key);
}

bool SchedulerConfig::boolean(const std::string& key) const {
  const Json& v = at(key);
  if (v.is_boolean()) return v.get<bool>();
  invalid(key, "true or false");
}

std::string SchedulerConfig::choice(const std::string& key, std::initializer_list<const char*> allowed) const {
  const Json& v = at(key);
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    for (const char* a : allowed)
      if (s == a) return s;
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
  invalid(key, "one of " + list);
}

std::optional<std::string> SchedulerConfig::optionalString(const std::string& key) const {
  const Json& v = at(key);
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.get<std::string>();
  invalid(key, "a string or null");
}

}  // namespace ppd
