#include "addon/args.h"

#include <cmath>

#include "addon/js_error.h"

namespace ppd::addon {

std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) return v.ToString().Utf8Value() + " of type number";
  if (v.IsString()) {
    // Appending (not "\"" + str) sidesteps a GCC 12 -Wstringop-overflow false positive.
    std::string quoted = "\"";
    quoted += v.As<Napi::String>().Utf8Value();
    return quoted + "\" of type string";
  }
  if (v.IsBoolean()) return std::string(v.As<Napi::Boolean>().Value() ? "true" : "false") + " of type boolean";
  if (v.IsArray()) return "an array";
  if (v.IsFunction()) return "a function";
  return "an object";
}

Args::Args(Napi::Env env, Napi::Value value, std::string what) : env_(env), what_(std::move(what)) {
  if (!value.IsObject() || value.IsArray())
    throw makeError(env, ErrorCode::InvalidArg, "Expected an options object for " + what_ + " but received " + describe(value));
  obj_ = value.As<Napi::Object>();
}

bool Args::has(const char* key) const {
  if (!obj_.Has(key)) return false;
  auto v = obj_.Get(key);
  return !v.IsUndefined() && !v.IsNull();
}

void Args::invalid(const char* key, const std::string& expected) const {
  throw makeError(env_, ErrorCode::InvalidArg,
                  "Expected " + expected + " for " + key + " but received " + describe(obj_.Get(key)));
}

std::string Args::string(const char* key) const {
  auto v = obj_.Get(key);
  if (!v.IsString()) invalid(key, "string");
  return v.As<Napi::String>().Utf8Value();
}

std::optional<std::string> Args::optString(const char* key) const {
  if (!has(key)) return std::nullopt;
  return string(key);
}

double Args::number(const char* key) const {
  auto v = obj_.Get(key);
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) invalid(key, "finite number");
  return v.As<Napi::Number>().DoubleValue();
}

std::optional<double> Args::optNumber(const char* key) const {
  if (!has(key)) return std::nullopt;
  return number(key);
}

int64_t Args::integer(const char* key, int64_t min, int64_t max) const {
  auto v = obj_.Get(key);
  const std::string expected = min > 0 ? "positive integer" : min == 0 ? "non-negative integer" : "integer";
  if (!v.IsNumber()) invalid(key, expected);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(min) || d > static_cast<double>(max))
    invalid(key, expected + " in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return static_cast<int64_t>(d);
}

std::optional<int64_t> Args::optInteger(const char* key, int64_t min, int64_t max) const {
  if (!has(key)) return std::nullopt;
  return integer(key, min, max);
}

bool Args::boolean(const char* key, bool fallback) const {
  if (!has(key)) return fallback;
  auto v = obj_.Get(key);
  if (!v.IsBoolean()) invalid(key, "boolean");
  return v.As<Napi::Boolean>().Value();
}

std::vector<int64_t> Args::intArray(const char* key) const {
  auto v = obj_.Get(key);
  if (!v.IsArray()) invalid(key, "array of integers");
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value e = arr.Get(i);
    if (!e.IsNumber()) invalid(key, "array of integers");
    const double d = e.As<Napi::Number>().DoubleValue();
    if (std::floor(d) != d) invalid(key, "array of integers");
    out.push_back(static_cast<int64_t>(d));
  }
  return out;
}

std::vector<std::string> Args::stringArray(const char* key) const {
  auto v = obj_.Get(key);
  if (!v.IsArray()) invalid(key, "array of strings");
  auto arr = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value e = arr.Get(i);
    if (!e.IsString()) invalid(key, "array of strings");
    out.push_back(e.As<Napi::String>().Utf8Value());
  }
  return out;
}

}  // namespace ppd::addon
