#include "engine/io/weight_loader.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "engine/core/error.h"
#include "engine/device/host_transfer.h"

namespace ppd {
namespace {

std::string shapeText(c10::IntArrayRef shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

std::string listSome(const std::vector<std::string>& items, size_t max = 20) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < max; ++i) out += "\n  " + items[i];
  if (items.size() > max) out += "\n  … and " + std::to_string(items.size() - max) + " more";
  return out;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

WeightLoader::WeightLoader(const WeightStore* store, at::TensorOptions target, std::string label)
    : store_(store), target_(target), label_(std::move(label)) {}

at::Tensor WeightLoader::take(const std::string& name, const std::vector<int64_t>& shape) {
  specs_.push_back({name, shape});
  if (!store_) return at::empty(shape, target_.device(at::kMeta));
  if (cancel_) cancel_->throwIfCancelled("while loading " + label_ + " (before \"" + name + "\")");
  if (!store_->contains(name)) {
    missing_.push_back(name + " " + shapeText(shape));
    return at::empty(shape, target_.device(at::kMeta));
  }
  used_.push_back(name);
  const TensorInfo& info = store_->info(name);
  if (info.shape != shape) {
    mismatched_.push_back(name + ": expected " + shapeText(shape) + ", file has " + shapeText(info.shape) + " (" +
                          store_->fileOf(name) + ")");
    return at::empty(shape, target_.device(at::kMeta));
  }
  if (!at::isFloatingType(info.dtype))
    fail(ErrorCode::ModelLoad, store_->fileOf(name) + ": tensor \"" + name + "\" has non-float dtype " + info.dtypeName);
  const at::Tensor view = store_->view(name);
  // On CUDA: the file's bytes through pinned staging, converted on the device (host_transfer.h).
  at::Tensor loaded = toDevice(view, target_.device(), target_.dtype().toScalarType());
  // A converted copy (dtype or device) no longer needs the file's pages; an alias (same dtype on
  // CPU) still reads them.
  if (loaded.data_ptr() != view.data_ptr()) store_->releasePages(name);
  return loaded;
}

at::Tensor WeightLoader::takeAny(const std::vector<std::string>& names, const std::vector<int64_t>& shape) {
  for (const auto& n : names)
    if (present(n)) return take(n, shape);
  return take(names.front(), shape);
}

void WeightLoader::skipPrefix(const std::string& prefix) { skipPrefixes_.push_back(prefix); }
void WeightLoader::skipKey(const std::string& key) { skipKeys_.push_back(key); }

LoadReport WeightLoader::finish() const {
  LoadReport report;
  report.loaded = used_.size();
  report.skippedPrefixes = skipPrefixes_;
  if (!store_) return report;
  std::set<std::string> used(used_.begin(), used_.end());
  std::vector<std::string> unexpected;
  for (const auto& name : store_->names()) {
    if (used.count(name)) continue;
    const bool skipped = std::find(skipKeys_.begin(), skipKeys_.end(), name) != skipKeys_.end() ||
                         std::any_of(skipPrefixes_.begin(), skipPrefixes_.end(),
                                     [&](const std::string& p) { return startsWith(name, p); });
    if (skipped) {
      report.skipped++;
    } else {
      unexpected.push_back(name);
    }
  }
  std::string files;
  for (const auto& f : store_->files()) files += (files.empty() ? "" : ", ") + f;
  std::string problems;
  if (!missing_.empty()) problems += "\nmissing keys (" + std::to_string(missing_.size()) + "):" + listSome(missing_);
  if (!mismatched_.empty())
    problems += "\nshape mismatches (" + std::to_string(mismatched_.size()) + "):" + listSome(mismatched_);
  if (!unexpected.empty())
    problems += "\nunexpected keys (" + std::to_string(unexpected.size()) + "):" + listSome(unexpected);
  if (!problems.empty()) fail(ErrorCode::ModelLoad, label_ + " (" + files + "): weights do not match the config:" + problems);
  return report;
}

uint64_t declaredElements(const WeightLoader& metaLoader) {
  uint64_t total = 0;
  for (const auto& spec : metaLoader.specs()) {
    uint64_t n = 1;
    for (int64_t d : spec.shape)
      if (d < 0 || __builtin_mul_overflow(n, uint64_t(d), &n)) return UINT64_MAX;
    if (__builtin_add_overflow(total, n, &total)) return UINT64_MAX;
  }
  return total;
}

void checkDeclaredFits(uint64_t declared, const WeightStore& store, const std::string& label) {
  const uint64_t held = store.totalElements();
  if (declared <= held) return;
  std::string files;
  for (const auto& f : store.files()) files += (files.empty() ? "" : ", ") + f;
  fail(ErrorCode::ModelLoad, label + " (" + files + "): the config declares " + std::to_string(declared) +
                                 " parameters, the weight files hold only " + std::to_string(held) +
                                 " (config and weights do not belong together)");
}

at::Tensor ParamScope::takeAny(const std::vector<std::string>& names, const std::vector<int64_t>& shape) const {
  std::vector<std::string> full;
  for (const auto& n : names) full.push_back(join(n));
  return loader_->takeAny(full, shape);
}

bool ParamScope::has(const std::string& name) const { return loader_->present(join(name)); }

}  // namespace ppd
