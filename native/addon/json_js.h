#pragma once
#include <napi.h>

#include <nlohmann/json.hpp>

namespace ppd::addon {
// Plain data (reports, configs) crosses as JSON-shaped JS values.
Napi::Value jsonToJs(Napi::Env env, const nlohmann::json& value);
nlohmann::json jsToJson(Napi::Env env, const Napi::Value& value);
}  // namespace ppd::addon
