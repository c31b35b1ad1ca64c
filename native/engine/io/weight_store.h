#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/safetensors.h"

namespace ppd {

// All tensors of one model component (e.g. `unet/`), possibly sharded over several files
// (`*.safetensors.index.json`), choosing the `<name>.<variant>.safetensors` files when asked.
class WeightStore {
 public:
  // `baseNames` are the file stems to look for, e.g. {"diffusion_pytorch_model"} or {"model"}.
  static WeightStore openComponent(const std::string& dir, const std::vector<std::string>& baseNames,
                                   const std::string& variant);
  // Whether openComponent would find files for this variant ("" = the plain files).
  static bool componentExists(const std::string& dir, const std::vector<std::string>& baseNames,
                              const std::string& variant);
  static WeightStore openFile(const std::string& path);
  // Tensors already in memory (e.g. read from a torch.save .pth), reported under `source` in errors.
  static WeightStore fromTensors(const std::string& source, const std::map<std::string, at::Tensor>& tensors);

  bool contains(const std::string& name) const { return where_.count(name) > 0; }
  const TensorInfo& info(const std::string& name) const;
  at::Tensor view(const std::string& name) const;
  // After view(name) was copied (converted): gives its file pages back to the OS (no-op in memory).
  void releasePages(const std::string& name) const;
  std::vector<std::string> names() const;
  std::string fileOf(const std::string& name) const;
  const std::vector<std::string>& files() const { return files_; }
  // Elements over all tensors (from the headers: nothing is read), saturating at UINT64_MAX.
  uint64_t totalElements() const;

 private:
  void add(const std::string& path);
  std::vector<std::shared_ptr<SafetensorsFile>> opened_;  // null for an in-memory source
  std::map<std::string, std::pair<TensorInfo, at::Tensor>> inMemory_;
  std::vector<std::string> files_;
  std::map<std::string, size_t> where_;
};

}  // namespace ppd
