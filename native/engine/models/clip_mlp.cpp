#include "engine/models/clip_mlp.h"

namespace ppd {

ClipMlp::ClipMlp(const ParamScope& s, int64_t hiddenSize, int64_t intermediateSize, std::string act)
    : fc1(s.sub("fc1"), hiddenSize, intermediateSize),
      fc2(s.sub("fc2"), intermediateSize, hiddenSize),
      act_(std::move(act)) {}

at::Tensor ClipMlp::forward(const at::Tensor& x) const { return fc2(activation(act_, fc1(x))); }

}  // namespace ppd
