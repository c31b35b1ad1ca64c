#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/layers.h"

namespace ppd {

// transformers' CLIPMLP: fc1 -> activation (`hidden_act`) -> fc2.
class ClipMlp {
 public:
  ClipMlp() = default;
  ClipMlp(const ParamScope& s, int64_t hiddenSize, int64_t intermediateSize, std::string act);
  at::Tensor forward(const at::Tensor& x) const;

  Linear fc1, fc2;

 private:
  std::string act_;
};

}  // namespace ppd
