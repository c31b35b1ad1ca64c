#pragma once
#include "engine/core/error.h"

namespace ppd {

template <class T>
T JsonView::get(const std::string& key) const {
  if (!json_.contains(key)) fail(ErrorCode::ModelLoad, source_ + ": missing key \"" + key + "\"");
  try {
    return json_.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    fail(ErrorCode::ModelLoad, source_ + ": key \"" + key + "\" has the wrong type (" + json_.at(key).dump() + ")");
  }
}

}  // namespace ppd
