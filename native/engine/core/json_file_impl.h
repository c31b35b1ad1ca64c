#pragma once
#include <limits>
#include <type_traits>

#include "engine/core/error.h"

namespace ppd {

template <class T>
T JsonView::get(const std::string& key) const {
  if (!json_.contains(key)) fail(ErrorCode::ModelLoad, source_ + ": missing key \"" + key + "\"");
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    const Json& v = json_.at(key);
    const bool inRange = v.is_number_unsigned()  ? v.get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max())
                         : v.is_number_integer() ? v.get<int64_t>() >= int64_t(std::numeric_limits<T>::min()) &&
                                                       v.get<int64_t>() <= int64_t(std::numeric_limits<T>::max())
                                                 : false;
    if (!inRange)
      fail(ErrorCode::ModelLoad, source_ + ": key \"" + key + "\" must be an integer in [" +
                                     std::to_string(std::numeric_limits<T>::min()) + ", " +
                                     std::to_string(std::numeric_limits<T>::max()) + "], got " + v.dump());
  }
  try {
    return json_.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    fail(ErrorCode::ModelLoad, source_ + ": key \"" + key + "\" has the wrong type (" + json_.at(key).dump() + ")");
  }
}

}  // namespace ppd
