#pragma once
#include <napi.h>

#include <optional>
#include <string>
#include <vector>

namespace ppd::addon {

// Reads typed fields of an options object; errors name the argument and the bad value, e.g.
// `Expected positive integer for width but received -3 of type number` (ERR_INVALID_ARG).
class Args {
 public:
  Args(Napi::Env env, Napi::Value value, std::string what);
  const Napi::Object& object() const { return obj_; }
  bool has(const char* key) const;

  std::string string(const char* key) const;
  std::optional<std::string> optString(const char* key) const;
  double number(const char* key) const;
  std::optional<double> optNumber(const char* key) const;
  int64_t integer(const char* key, int64_t min, int64_t max) const;
  std::optional<int64_t> optInteger(const char* key, int64_t min, int64_t max) const;
  bool boolean(const char* key, bool fallback) const;
  std::vector<int64_t> intArray(const char* key) const;
  std::vector<std::string> stringArray(const char* key) const;
  Napi::Value raw(const char* key) const { return obj_.Get(key); }

  [[noreturn]] void invalid(const char* key, const std::string& expected) const;

 private:
  Napi::Env env_;
  Napi::Object obj_;
  std::string what_;
};

std::string describe(const Napi::Value& v);

}  // namespace ppd::addon
