#include "addon/tensor_js.h"

#include <cstring>

#include "addon/args.h"
#include "addon/js_error.h"

namespace ppd::addon {
namespace {

struct DtypeMapping {
  const char* name;
  at::ScalarType type;
  napi_typedarray_type array;
};

const DtypeMapping kMappings[] = {
    {"float32", at::kFloat, napi_float32_array},   {"float64", at::kDouble, napi_float64_array},
    {"float16", at::kHalf, napi_uint16_array},     {"bfloat16", at::kBFloat16, napi_uint16_array},
    {"int64", at::kLong, napi_bigint64_array},     {"int32", at::kInt, napi_int32_array},
    {"int16", at::kShort, napi_int16_array},       {"int8", at::kChar, napi_int8_array},
    {"uint8", at::kByte, napi_uint8_array},        {"bool", at::kBool, napi_uint8_array},
};

const DtypeMapping& byType(Napi::Env env, at::ScalarType type) {
  for (const auto& m : kMappings)
    if (m.type == type) return m;
  throw makeError(env, ErrorCode::InvalidArg, std::string("tensor dtype ") + c10::toString(type) + " has no JS form");
}

}  // namespace

Napi::Object tensorToJs(Napi::Env env, const at::Tensor& tensor) {
  auto t = tensor.detach().to(at::kCPU).contiguous();
  const auto& m = byType(env, t.scalar_type());
  const size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
  auto buffer = Napi::ArrayBuffer::New(env, bytes);
  if (bytes) std::memcpy(buffer.Data(), t.data_ptr(), bytes);
  napi_value array;
  napi_status status = napi_create_typedarray(env, m.array, static_cast<size_t>(t.numel()), buffer, 0, &array);
  NAPI_THROW_IF_FAILED(env, status, Napi::Object());
  auto shape = Napi::Array::New(env, t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(t.size(i))));
  auto out = Napi::Object::New(env);
  out.Set("dtype", m.name);
  out.Set("shape", shape);
  out.Set("data", Napi::Value(env, array));
  return out;
}

Napi::Object tensorMapToJs(Napi::Env env, const std::map<std::string, at::Tensor>& tensors) {
  auto out = Napi::Object::New(env);
  for (const auto& [name, t] : tensors) out.Set(name, tensorToJs(env, t));
  return out;
}

at::Tensor tensorFromJs(Napi::Env env, const Napi::Value& value, const std::string& what) {
  Args args(env, value, what);
  const std::string dtype = args.string("dtype");
  const DtypeMapping* m = nullptr;
  for (const auto& candidate : kMappings)
    if (dtype == candidate.name) m = &candidate;
  if (!m) args.invalid("dtype", "tensor dtype (float32, float16, bfloat16, int64, uint8, …)");
  const auto shape = args.intArray("shape");
  auto data = args.raw("data");
  if (!data.IsTypedArray()) args.invalid("data", "TypedArray");
  auto typed = data.As<Napi::TypedArray>();
  if (typed.TypedArrayType() != m->array) args.invalid("data", std::string("TypedArray matching dtype ") + m->name);
  int64_t numel = 1;
  for (auto d : shape) {
    if (d < 0) args.invalid("shape", "non-negative dimensions");
    numel *= d;
  }
  if (static_cast<int64_t>(typed.ElementLength()) != numel)
    throw makeError(env, ErrorCode::InvalidArg,
                    what + ": data has " + std::to_string(typed.ElementLength()) + " elements but shape needs " +
                        std::to_string(numel));
  auto out = at::empty(shape, at::TensorOptions().dtype(m->type));
  const auto* src = static_cast<const uint8_t*>(typed.ArrayBuffer().Data()) + typed.ByteOffset();
  if (numel) std::memcpy(out.data_ptr(), src, typed.ByteLength());
  return out;
}

std::map<std::string, at::Tensor> tensorMapFromJs(Napi::Env env, const Napi::Value& value, const std::string& what) {
  if (!value.IsObject()) throw makeError(env, ErrorCode::InvalidArg, "Expected an object of tensors for " + what);
  auto obj = value.As<Napi::Object>();
  std::map<std::string, at::Tensor> out;
  auto names = obj.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    const std::string name = names.Get(i).As<Napi::String>().Utf8Value();
    out[name] = tensorFromJs(env, obj.Get(name), what + "." + name);
  }
  return out;
}

}  // namespace ppd::addon
