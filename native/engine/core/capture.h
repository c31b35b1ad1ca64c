#pragma once
#include <ATen/ATen.h>

#include <map>
#include <set>
#include <string>

namespace ppd {

// Named intermediate tensors (the golden names of the fixtures README: `prompt_embeds`,
// `step0.unet_output`, `latents.step3`, `image_decoded`, ...) requested by a caller.
// Stored as detached CPU copies so later in-place work cannot change them.
class Capture {
 public:
  Capture() = default;
  static Capture everything() {
    Capture c;
    c.all_ = true;
    return c;
  }
  explicit Capture(std::set<std::string> names) : names_(std::move(names)) {}

  bool active() const { return all_ || !names_.empty(); }
  bool wants(const std::string& name) const { return all_ || names_.count(name) > 0; }
  void put(const std::string& name, const at::Tensor& t) {
    if (wants(name)) tensors_[name] = t.detach().to(at::kCPU).clone();
  }
  const std::map<std::string, at::Tensor>& tensors() const { return tensors_; }
  std::map<std::string, at::Tensor> take() { return std::move(tensors_); }

 private:
  bool all_ = false;
  std::set<std::string> names_;
  std::map<std::string, at::Tensor> tensors_;
};

}  // namespace ppd
