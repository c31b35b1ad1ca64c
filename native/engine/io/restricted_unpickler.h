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

// Limits on what a pickle may build (a real state dict nests 3-4 levels and holds ~20 values per
// tensor); beyond them the load is ERR_MODEL_LOAD naming the file. They bound memory and keep every
// later walk over the values shallow.
constexpr size_t kMaxPickleDepth = 1000;         // containers inside containers, like Python's recursion limit
constexpr size_t kMaxPickleValues = 2'000'000;   // values built, stack entries and memo entries (each)

struct Value {
  Value() = default;
  Value(const Value&) = default;
  Value(Value&&) = default;
  Value& operator=(const Value&) = default;
  Value& operator=(Value&&) = default;
  // Frees nested values iteratively: a value's last owner never recurses into its children, so any
  // nesting depth is freed without growing the call stack.
  ~Value();

  Kind kind = Kind::None;
  int64_t number = 0;                                  // Bool, Int
  std::string text;                                    // String; Global: "module.name"
  std::vector<ValuePtr> items;                         // Tuple, List
  std::vector<std::pair<ValuePtr, ValuePtr>> entries;  // Dict
  Callable callable = Callable::None;                  // Global
  at::ScalarType storageType = at::kFloat;             // Global (a torch.*Storage type)
  at::Tensor tensor;                                   // Storage (flat), Tensor
  uint32_t depth = 1;  // 1 + the deepest child seen while building (the unpickler's bookkeeping)
};

const char* kindName(Kind kind);

// Reads a storage's `numel` elements of `dtype` from the archive entry `key` (data/<key>).
using StorageLoader = std::function<at::Tensor(const std::string& key, at::ScalarType dtype, int64_t numel)>;

// Runs a pickle (data.pkl of a torch.save archive) without executing anything: only the opcodes
// a state dict needs and the globals of allowedGlobal() (restricted_unpickler.cpp); anything else is
// ERR_MODEL_LOAD naming `label` and what was refused; so is nesting deeper than kMaxPickleDepth,
// more than kMaxPickleValues values, and a value that contains itself. Returns the unpickled root value.
ValuePtr unpickleRestricted(std::string_view data, const std::string& label, const StorageLoader& loadStorage);

}  // namespace ppd::pickle
