#include "engine/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/io/mapped_file.h"
#include "engine/io/safetensors_dtype.h"

namespace ppd {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the format's own limit

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  fail(ErrorCode::ModelLoad, path + ": invalid safetensors file: " + what);
}

TensorInfo parseEntry(const std::string& path, const std::string& name, const nlohmann::json& entry,
                      uint64_t dataSize) {
  const std::string where = "tensor \"" + name + "\"";
  if (!entry.is_object()) bad(path, where + " is not an object");
  if (!entry.contains("dtype") || !entry["dtype"].is_string()) bad(path, where + " has no dtype");
  if (!entry.contains("shape") || !entry["shape"].is_array()) bad(path, where + " has no shape");
  if (!entry.contains("data_offsets") || !entry["data_offsets"].is_array() || entry["data_offsets"].size() != 2)
    bad(path, where + " has no data_offsets [begin, end]");
  TensorInfo info;
  info.name = name;
  info.dtypeName = entry["dtype"].get<std::string>();
  auto dtype = safetensorsDtype(info.dtypeName);
  if (!dtype) bad(path, where + " has unknown dtype " + info.dtypeName);
  info.dtype = *dtype;
  uint64_t numel = 1;
  for (const auto& d : entry["shape"]) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) bad(path, where + " has an invalid shape " + entry["shape"].dump());
    const auto dim = d.get<uint64_t>();
    if (dim != 0 && numel > (UINT64_MAX / dim)) bad(path, where + " shape overflows");
    numel *= dim;
    info.shape.push_back(static_cast<int64_t>(dim));
  }
  for (const auto& o : entry["data_offsets"])
    if (!o.is_number_unsigned()) bad(path, where + " has non-integer data_offsets");
  info.begin = entry["data_offsets"][0].get<uint64_t>();
  info.end = entry["data_offsets"][1].get<uint64_t>();
  if (info.begin > info.end || info.end > dataSize)
    bad(path, where + " data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                  "] outside the data section of " + std::to_string(dataSize) + " bytes (truncated file?)");
  const uint64_t elem = c10::elementSize(info.dtype);
  if (numel > UINT64_MAX / elem || numel * elem != info.end - info.begin)
    bad(path, where + " byte length " + std::to_string(info.end - info.begin) + " does not match dtype " +
                  info.dtypeName + " and shape " + entry["shape"].dump());
  return info;
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  mapping_ = std::make_shared<MappedFile>(path);
  const uint8_t* base = mapping_->data();
  const uint64_t size = mapping_->size();
  if (size < 8) bad(path, "file is shorter than the 8-byte header length");
  uint64_t headerLen = 0;
  std::memcpy(&headerLen, base, 8);  // little-endian on every platform we build for
  if (headerLen > kMaxHeaderBytes || headerLen > size - 8)
    bad(path, "header length " + std::to_string(headerLen) + " exceeds the file size " + std::to_string(size));
  nlohmann::json header;
  try {
    header = parseJsonBounded(reinterpret_cast<const char*>(base + 8), reinterpret_cast<const char*>(base + 8 + headerLen),
                              path + ": safetensors header");
  } catch (const nlohmann::json::exception& e) {
    bad(path, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) bad(path, "header is not a JSON object");
  data_ = base + 8 + headerLen;
  dataSize_ = size - 8 - headerLen;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) bad(path, "__metadata__ is not an object");
      for (const auto& [k, v] : entry.items())
        if (v.is_string()) metadata_[k] = v.get<std::string>();
      continue;
    }
    tensors_.push_back(parseEntry(path, name, entry, dataSize_));
  }
  std::vector<const TensorInfo*> byOffset;
  for (const auto& t : tensors_) byOffset.push_back(&t);
  std::sort(byOffset.begin(), byOffset.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  // Zero-size tensors occupy no bytes and overlap nothing.
  std::erase_if(byOffset, [](const TensorInfo* t) { return t->begin == t->end; });
  for (size_t i = 1; i < byOffset.size(); ++i)
    if (byOffset[i]->begin < byOffset[i - 1]->end)
      bad(path, "tensors \"" + byOffset[i - 1]->name + "\" and \"" + byOffset[i]->name + "\" overlap");
  for (size_t i = 0; i < tensors_.size(); ++i) index_[tensors_[i].name] = i;
}

const TensorInfo& SafetensorsFile::info(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) fail(ErrorCode::ModelLoad, path_ + ": no tensor \"" + name + "\"");
  return tensors_[it->second];
}

at::Tensor SafetensorsFile::view(const std::string& name) const {
  const TensorInfo& t = info(name);
  const uint8_t* ptr = data_ + t.begin;
  auto options = at::TensorOptions().dtype(t.dtype).device(at::kCPU);
  if (reinterpret_cast<uintptr_t>(ptr) % c10::elementSize(t.dtype) != 0) {
    // Misaligned data (a header not padded to 8 bytes): copy instead of viewing.
    auto out = at::empty(t.shape, options);
    std::memcpy(out.data_ptr(), ptr, t.end - t.begin);
    return out;
  }
  auto keepAlive = mapping_;
  return at::from_blob(const_cast<uint8_t*>(ptr), t.shape, [keepAlive](void*) {}, options);
}

void SafetensorsFile::releasePages(const std::string& name) const {
  const TensorInfo& t = info(name);
  releaseMappedPages(data_ + t.begin, t.end - t.begin);
}

void saveSafetensors(const std::string& path, const std::map<std::string, at::Tensor>& tensors,
                     const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> contiguous;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    auto t = tensor.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = t.numel() * t.element_size();
    header[name] = {{"dtype", safetensorsDtypeName(t.scalar_type())},
                    {"shape", t.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    contiguous.push_back(t);
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const uint64_t headerLen = text.size();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail(ErrorCode::Io, path + ": cannot write");
    out.write(reinterpret_cast<const char*>(&headerLen), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& t : contiguous)
      out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.numel() * t.element_size()));
    if (!out) fail(ErrorCode::Io, path + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail(ErrorCode::Io, path + ": cannot rename temporary file");
}

std::map<std::string, at::Tensor> loadAllTensors(const std::string& path) {
  SafetensorsFile file(path);
  std::map<std::string, at::Tensor> out;
  for (const auto& t : file.tensors()) out[t.name] = file.view(t.name).clone();
  return out;
}

}  // namespace ppd
