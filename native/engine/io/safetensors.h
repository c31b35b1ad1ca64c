#pragma once
#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ppd {

struct TensorInfo {
  std::string name;
  at::ScalarType dtype;
  std::string dtypeName;  // as written in the header ("F32", "I64", ...)
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets relative to the data section
  uint64_t end = 0;
};

class MappedFile;

// A memory-mapped .safetensors file. The header is fully validated on open (offsets in range,
// byte length consistent with dtype and shape, no overlapping tensors); any violation is
// ERR_MODEL_LOAD naming the file and the tensor.
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);
  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return index_.count(name) > 0; }
  const TensorInfo& info(const std::string& name) const;
  // A CPU tensor viewing the mapping (zero-copy; keeps the mapping alive).
  at::Tensor view(const std::string& name) const;
  // Drops the tensor's resident pages once a converted copy replaces it (see releaseMappedPages).
  void releasePages(const std::string& name) const;

 private:
  std::string path_;
  std::shared_ptr<MappedFile> mapping_;
  const uint8_t* data_ = nullptr;
  uint64_t dataSize_ = 0;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

// Writes tensors (any supported dtype, made contiguous on CPU) sorted by name.
void saveSafetensors(const std::string& path, const std::map<std::string, at::Tensor>& tensors,
                     const std::map<std::string, std::string>& metadata = {});

std::map<std::string, at::Tensor> loadAllTensors(const std::string& path);

}  // namespace ppd
