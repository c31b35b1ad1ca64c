#include "engine/io/weight_store.h"

#include <filesystem>
#include <set>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/io/model_path.h"
#include "engine/io/safetensors_dtype.h"

namespace fs = std::filesystem;

namespace ppd {

WeightStore WeightStore::openFile(const std::string& path) {
  WeightStore store;
  store.add(path);
  return store;
}

WeightStore WeightStore::fromTensors(const std::string& source, const std::map<std::string, at::Tensor>& tensors) {
  WeightStore store;
  for (const auto& [name, tensor] : tensors) {
    TensorInfo info;
    info.name = name;
    info.dtype = tensor.scalar_type();
    info.dtypeName = safetensorsDtypeName(info.dtype);
    info.shape = tensor.sizes().vec();
    store.inMemory_[name] = {info, tensor};
    store.where_[name] = 0;
  }
  store.opened_.push_back(nullptr);
  store.files_.push_back(source);
  return store;
}

namespace {

// The file names diffusers/transformers write for one stem: a single file, then the sharded
// index. Variant indexes are `<stem>.safetensors.index.<variant>.json` in current releases and
// `<stem>.<variant>.safetensors.index.json` in older ones.
std::vector<fs::path> candidates(const std::string& dir, const std::string& base, const std::string& variant) {
  const fs::path d(dir);
  if (variant.empty()) return {d / (base + ".safetensors"), d / (base + ".safetensors.index.json")};
  return {d / (base + "." + variant + ".safetensors"), d / (base + ".safetensors.index." + variant + ".json"),
          d / (base + "." + variant + ".safetensors.index.json")};
}

}  // namespace

bool WeightStore::componentExists(const std::string& dir, const std::vector<std::string>& baseNames,
                                  const std::string& variant) {
  for (const auto& base : baseNames)
    for (const auto& path : candidates(dir, base, variant))
      if (statModelPath(path.string()) != PathKind::Missing) return true;
  return false;
}

WeightStore WeightStore::openComponent(const std::string& dir, const std::vector<std::string>& baseNames,
                                       const std::string& variant) {
  WeightStore store;
  std::vector<std::string> tried;
  for (const auto& base : baseNames) {
    const auto paths = candidates(dir, base, variant);
    const fs::path& single = paths.front();
    if (statModelPath(single.string()) != PathKind::Missing) {
      store.add(resolveInsideModel(dir, single.filename().string(), dir));
      return store;
    }
    for (size_t i = 1; i < paths.size(); ++i) {
      const fs::path& index = paths[i];
      if (statModelPath(index.string()) == PathKind::Missing) continue;
      const Json json = readJsonFile(resolveInsideModel(dir, index.filename().string(), dir));
      if (!json.contains("weight_map") || !json["weight_map"].is_object())
        fail(ErrorCode::ModelLoad, index.string() + ": missing \"weight_map\" object");
      std::set<std::string> shards;
      for (const auto& [name, shard] : json["weight_map"].items()) {
        if (!shard.is_string())
          fail(ErrorCode::ModelLoad, index.string() + ": \"weight_map\" entry \"" + name + "\" is not a file name");
        shards.insert(shard.get<std::string>());
      }
      for (const auto& shard : shards) store.add(resolveInsideModel(dir, shard, index.string()));
      return store;
    }
    for (const auto& p : paths) tried.push_back(p.filename().string());
  }
  std::string list;
  for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t;
  fail(ErrorCode::ModelLoad, dir + ": no weights found (looked for " + list + ")");
}

void WeightStore::add(const std::string& path) {
  auto file = std::make_shared<SafetensorsFile>(path);
  for (const auto& t : file->tensors()) {
    if (where_.count(t.name))
      fail(ErrorCode::ModelLoad, path + ": tensor \"" + t.name + "\" also appears in " + fileOf(t.name));
    where_[t.name] = opened_.size();
  }
  opened_.push_back(file);
  files_.push_back(path);
}

const TensorInfo& WeightStore::info(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) fail(ErrorCode::ModelLoad, "no tensor \"" + name + "\"");
  if (!opened_[it->second]) return inMemory_.at(name).first;
  return opened_[it->second]->info(name);
}

void WeightStore::releasePages(const std::string& name) const {
  auto it = where_.find(name);
  if (it != where_.end() && opened_[it->second]) opened_[it->second]->releasePages(name);
}

at::Tensor WeightStore::view(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) fail(ErrorCode::ModelLoad, "no tensor \"" + name + "\"");
  if (!opened_[it->second]) return inMemory_.at(name).second;
  return opened_[it->second]->view(name);
}

std::string WeightStore::fileOf(const std::string& name) const {
  auto it = where_.find(name);
  return it == where_.end() ? std::string() : files_[it->second];
}

uint64_t WeightStore::totalElements() const {
  uint64_t total = 0;
  for (const auto& [name, _] : where_) {
    uint64_t n = 1;
    for (int64_t d : info(name).shape)
      if (__builtin_mul_overflow(n, uint64_t(d), &n)) return UINT64_MAX;
    if (__builtin_add_overflow(total, n, &total)) return UINT64_MAX;
  }
  return total;
}

std::vector<std::string> WeightStore::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : where_) out.push_back(name);
  return out;
}

}  // namespace ppd
