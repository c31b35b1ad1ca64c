#pragma once
#include <ATen/ATen.h>

#include <optional>
#include <string>

namespace ppd {

std::optional<at::ScalarType> safetensorsDtype(const std::string& name);
std::string safetensorsDtypeName(at::ScalarType type);

}  // namespace ppd
