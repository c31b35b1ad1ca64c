#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <map>
#include <string>

namespace ppd::addon {

// A tensor in JS: { dtype: "float32" | "float16" | "bfloat16" | "float64" | "int64" | "int32" |
// "int16" | "int8" | "uint8" | "bool", shape: number[], data: TypedArray } (float16/bfloat16 as
// Uint16Array, int64 as BigInt64Array, bool as Uint8Array). Data is copied across.
Napi::Object tensorToJs(Napi::Env env, const at::Tensor& tensor);
Napi::Object tensorMapToJs(Napi::Env env, const std::map<std::string, at::Tensor>& tensors);
at::Tensor tensorFromJs(Napi::Env env, const Napi::Value& value, const std::string& what);
std::map<std::string, at::Tensor> tensorMapFromJs(Napi::Env env, const Napi::Value& value, const std::string& what);

}  // namespace ppd::addon
