// Precompiled header for every engine/addon translation unit: ATen only (not torch/torch.h,
// which costs ~18 s per file).
#pragma once
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
