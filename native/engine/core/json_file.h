#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace ppd {

using Json = nlohmann::json;

// Nesting limit for every JSON the engine reads (configs, indexes, safetensors headers); real ones nest
// under 5 levels. Deeper input is ERR_MODEL_LOAD naming the source.
constexpr int kMaxJsonDepth = 64;

// Parses `text` with the depth limit; errors name `source`. Invalid JSON is nlohmann's parse_error.
Json parseJsonBounded(const char* begin, const char* end, const std::string& source);

// Reads a JSON file; a missing, non-regular (FIFO, device), too deeply nested or malformed file is
// ERR_MODEL_LOAD naming the file.
Json readJsonFile(const std::string& path);

// Typed lookups that name the file and key in their errors.
class JsonView {
 public:
  JsonView(const Json& json, std::string source) : json_(json), source_(std::move(source)) {}
  const Json& raw() const { return json_; }
  const std::string& source() const { return source_; }
  bool has(const std::string& key) const { return json_.contains(key) && !json_.at(key).is_null(); }
  // Integer types take only integral numbers in range (1e30 or 2.5 is an error naming key and value).
  template <class T>
  T get(const std::string& key) const;
  template <class T>
  T get(const std::string& key, const T& fallback) const {
    return has(key) ? get<T>(key) : fallback;
  }

 private:
  const Json& json_;
  std::string source_;
};

}  // namespace ppd

#include "engine/core/json_file_impl.h"
