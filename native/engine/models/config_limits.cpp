#include "engine/models/config_limits.h"

#include <vector>

#include "engine/core/error.h"

namespace ppd {
namespace {

[[noreturn]] void outOfRange(const JsonView& json, const std::string& key, const Json& value, IntRange range) {
  // dump() prints the value as written (1e+30), never a wrapped-around integer.
  fail(ErrorCode::ModelLoad, json.source() + ": key \"" + key + "\" must be an integer in [" +
                                 std::to_string(range.min) + ", " + std::to_string(range.max) + "], got " +
                                 value.dump());
}

}  // namespace

void checkIntegers(const JsonView& json, const std::string& key, IntRange range) {
  if (!json.has(key)) return;
  // Iterative walk over nested lists (a config's depth is already bounded by readJsonFile).
  const Json& whole = json.raw().at(key);
  std::vector<const Json*> todo{&whole};
  while (!todo.empty()) {
    const Json& v = *todo.back();
    todo.pop_back();
    if (v.is_array()) {
      for (const auto& item : v) todo.push_back(&item);
      continue;
    }
    if (!v.is_number())  // same wording as JsonView::get
      fail(ErrorCode::ModelLoad, json.source() + ": key \"" + key + "\" has the wrong type (" + whole.dump() + ")");
    bool ok = false;
    if (v.is_number_unsigned()) ok = v.get<uint64_t>() <= uint64_t(range.max) && int64_t(v.get<uint64_t>()) >= range.min;
    else if (v.is_number_integer()) ok = v.get<int64_t>() >= range.min && v.get<int64_t>() <= range.max;
    if (!ok) outOfRange(json, key, v, range);
  }
}

void checkListLength(const JsonView& json, const std::string& key, IntRange range) {
  if (!json.has(key)) return;
  const Json& v = json.raw().at(key);
  if (v.is_array() && (v.size() < size_t(range.min) || v.size() > size_t(range.max)))
    fail(ErrorCode::ModelLoad, json.source() + ": key \"" + key + "\" must list " + std::to_string(range.min) + " to " +
                                   std::to_string(range.max) + " entries, got " + std::to_string(v.size()));
}

}  // namespace ppd
