#include "engine/io/safetensors_dtype.h"

#include <utility>

#include "engine/core/error.h"

namespace ppd {
namespace {
const std::pair<const char*, at::ScalarType> kDtypes[] = {
    {"F64", at::kDouble},       {"F32", at::kFloat},        {"F16", at::kHalf},
    {"BF16", at::kBFloat16},    {"I64", at::kLong},         {"I32", at::kInt},
    {"I16", at::kShort},        {"I8", at::kChar},          {"U8", at::kByte},
    {"BOOL", at::kBool},        {"U16", at::kUInt16},       {"U32", at::kUInt32},
    {"U64", at::kUInt64},       {"F8_E4M3", at::kFloat8_e4m3fn}, {"F8_E5M2", at::kFloat8_e5m2},
};
}  // namespace

std::optional<at::ScalarType> safetensorsDtype(const std::string& name) {
  for (const auto& [n, t] : kDtypes)
    if (name == n) return t;
  return std::nullopt;
}

std::string safetensorsDtypeName(at::ScalarType type) {
  for (const auto& [n, t] : kDtypes)
    if (t == type) return n;
  fail(ErrorCode::InvalidArg, std::string("dtype ") + c10::toString(type) + " cannot be written to safetensors");
}

}  // namespace ppd
