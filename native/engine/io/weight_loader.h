#pragma once
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "engine/core/cancel.h"
#include "engine/io/weight_store.h"

namespace ppd {

struct ParamSpec {
  std::string name;
  std::vector<int64_t> shape;
};

struct LoadReport {
  size_t loaded = 0;
  size_t skipped = 0;  // documented unused keys (legacy buffers, VAE encoder, ...)
  std::vector<std::string> skippedPrefixes;
};

// Hands out parameters by their diffusers/transformers key while a module is constructed.
// Without a store it builds meta tensors (names and shapes only, nothing allocated): that is
// how module structure is checked against the real models' manifests.
// Problems are collected, then `finish()` reports all of them at once.
class WeightLoader {
 public:
  WeightLoader(const WeightStore* store, at::TensorOptions target, std::string label);

  at::Tensor take(const std::string& name, const std::vector<int64_t>& shape);
  // Accepts the first name present (e.g. current and legacy attention names).
  at::Tensor takeAny(const std::vector<std::string>& names, const std::vector<int64_t>& shape);
  // Keys under this prefix may exist and are deliberately not used.
  void skipPrefix(const std::string& prefix);
  void skipKey(const std::string& key);

  // Whether the store holds the key (always false in meta mode).
  bool present(const std::string& name) const { return store_ && store_->contains(name); }
  bool metaOnly() const { return store_ == nullptr; }

  LoadReport finish() const;
  const std::vector<ParamSpec>& specs() const { return specs_; }
  const std::string& label() const { return label_; }
  // The component name that prefixes the modules' profiler scopes ("unet" → "unet.mid_block").
  void setTraceRoot(std::string root) { traceRoot_ = std::move(root); }
  // Polled before each weight is copied: a cancelled load ends with ERR_CANCELLED naming the key.
  void setCancel(const CancelToken* cancel) { cancel_ = cancel; }
  const std::string& traceRoot() const { return traceRoot_; }

 private:
  const WeightStore* store_;
  at::TensorOptions target_;
  std::string label_;
  std::string traceRoot_;
  const CancelToken* cancel_ = nullptr;
  std::vector<ParamSpec> specs_;
  std::vector<std::string> used_;
  std::vector<std::string> missing_;
  std::vector<std::string> mismatched_;
  std::vector<std::string> skipPrefixes_;
  std::vector<std::string> skipKeys_;
};

// A key prefix inside a WeightLoader: `scope.sub("down_blocks").sub(1).take("weight", {...})`.
class ParamScope {
 public:
  ParamScope(WeightLoader& loader, std::string prefix = "") : loader_(&loader), prefix_(std::move(prefix)) {}
  ParamScope sub(const std::string& name) const { return ParamScope(*loader_, join(name)); }
  ParamScope sub(int64_t index) const { return sub(std::to_string(index)); }
  at::Tensor take(const std::string& name, const std::vector<int64_t>& shape) const {
    return loader_->take(join(name), shape);
  }
  at::Tensor takeAny(const std::vector<std::string>& names, const std::vector<int64_t>& shape) const;
  bool has(const std::string& name) const;
  // Documented unused keys relative to this scope (`scope.skipKey("embeddings.position_ids")`).
  void skipKey(const std::string& name) const { loader_->skipKey(join(name)); }
  void skipPrefix(const std::string& name) const { loader_->skipPrefix(join(name)); }
  WeightLoader& loader() const { return *loader_; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string join(const std::string& name) const { return prefix_.empty() ? name : prefix_ + "." + name; }
  WeightLoader* loader_;
  std::string prefix_;
};

// Parameters a module declares (sum of its specs' elements, saturating), known after building it
// on a meta-only loader.
uint64_t declaredElements(const WeightLoader& metaLoader);
// ERR_MODEL_LOAD naming `label` and the files when `declared` exceeds what `store` holds.
void checkDeclaredFits(uint64_t declared, const WeightStore& store, const std::string& label);

// Builds the module once on meta tensors (nothing allocated) and compares the parameters its config
// declares with what `store`'s files hold. A config asking for more (num_hidden_layers: 1e8 beside a
// 100 MB file) is ERR_MODEL_LOAD before any weight is copied.
template <class Build>
void checkParameterBudget(const WeightStore& store, at::TensorOptions options, const std::string& label, Build&& build) {
  WeightLoader meta(nullptr, options, label);
  build(ParamScope(meta));
  checkDeclaredFits(declaredElements(meta), store, label);
}

}  // namespace ppd
