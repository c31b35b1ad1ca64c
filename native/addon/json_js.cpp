#include "addon/json_js.h"

namespace ppd::addon {

Napi::Value jsonToJs(Napi::Env env, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: return env.Null();
    case nlohmann::json::value_t::boolean: return Napi::Boolean::New(env, value.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return Napi::Number::New(env, value.get<double>());
    case nlohmann::json::value_t::string: return Napi::String::New(env, value.get<std::string>());
    case nlohmann::json::value_t::array: {
      auto arr = Napi::Array::New(env, value.size());
      for (size_t i = 0; i < value.size(); ++i) arr.Set(static_cast<uint32_t>(i), jsonToJs(env, value[i]));
      return arr;
    }
    case nlohmann::json::value_t::object: {
      auto obj = Napi::Object::New(env);
      for (const auto& [k, v] : value.items()) obj.Set(k, jsonToJs(env, v));
      return obj;
    }
    case nlohmann::json::value_t::binary: return env.Null();
  }
  return env.Null();
}

nlohmann::json jsToJson(Napi::Env env, const Napi::Value& value) {
  auto json = env.Global().Get("JSON").As<Napi::Object>();
  auto text = json.Get("stringify").As<Napi::Function>().Call(json, {value});
  if (!text.IsString()) return nlohmann::json();
  return nlohmann::json::parse(text.As<Napi::String>().Utf8Value());
}

}  // namespace ppd::addon
