#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ppd::pickle {

// What the restricted unpickler can build. Dicts keep insertion order (OrderedDict and dict alike).
struct Value;
using ValuePtr = std::shared_ptr<Value>;
enum class Kind { None, Bool, Int, String, Tuple, List, Dict, Global, Storage, Tensor };
enum class Callable { None, OrderedDict, RebuildTensorV2, RebuildParameter, StorageType };

struct Value {
  Kind kind = Kind::None;
  int64_t number = 0;                                  // Bool, Int
  std::string text;                                    // String; Global: "module.name"
  std::vector<ValuePtr> items;                         // Tuple, List
  std::vector<std::pair<ValuePtr, ValuePtr>> entries;  // Dict
  Callable callable = Callable::None;                  // Global
  at::ScalarType storageType = at::kFloat;             // Global (a torch.*Storage type)
  at::Tensor tensor;                                   // Storage (flat), Tensor
};

const char* kindName(Kind kind);

// Reads a storage's `numel` elements of `dtype` from the archive entry `key` (data/<key>).
using StorageLoader = std::function<at::Tensor(const std::string& key, at::ScalarType dtype, int64_t numel)>;

// Runs a pickle (data.pkl of a torch.save archive) without executing anything: only the opcodes
// a state dict needs and the globals of allowedGlobal() (restricted_unpickler.cpp); anything else is
// ERR_MODEL_LOAD naming `label` and what was refused. Returns the unpickled root value.
ValuePtr unpickleRestricted(std::string_view data, const std::string& label, const StorageLoader& loadStorage);

}  // namespace ppd::pickle
