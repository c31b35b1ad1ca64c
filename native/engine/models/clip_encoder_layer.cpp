#include "engine/models/clip_encoder_layer.h"

#include "engine/profiling/trace_scope.h"

namespace ppd {

ClipEncoderLayer::ClipEncoderLayer(const ParamScope& s, int64_t hiddenSize, int64_t intermediateSize, int64_t numHeads,
                                   const std::string& act, double layerNormEps)
    : layer_norm1(s.sub("layer_norm1"), hiddenSize, layerNormEps),
      self_attn(s.sub("self_attn"), hiddenSize, numHeads),
      layer_norm2(s.sub("layer_norm2"), hiddenSize, layerNormEps),
      mlp(s.sub("mlp"), hiddenSize, intermediateSize, act) {
  scopeName = traceName(s);
}

at::Tensor ClipEncoderLayer::forward(const at::Tensor& x, bool causal) const {
  PPD_TRACE_SCOPE(scopeName);
  at::Tensor h = x + self_attn.forward(layer_norm1(x), causal);
  return h + mlp.forward(layer_norm2(h));
}

}  // namespace ppd
