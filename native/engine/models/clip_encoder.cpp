#include "engine/models/clip_encoder.h"

namespace ppd {

ClipEncoder::ClipEncoder(const ParamScope& s, int64_t numLayers, int64_t hiddenSize, int64_t intermediateSize,
                         int64_t numHeads, const std::string& act, double layerNormEps) {
  const ParamScope layerScope = s.sub("layers");
  for (int64_t i = 0; i < numLayers; ++i)
    layers.emplace_back(layerScope.sub(i), hiddenSize, intermediateSize, numHeads, act, layerNormEps);
}

std::vector<at::Tensor> ClipEncoder::forward(const at::Tensor& x, bool causal) const {
  std::vector<at::Tensor> states{x};
  states.reserve(layers.size() + 1);
  for (const auto& layer : layers) states.push_back(layer.forward(states.back(), causal));
  return states;
}

at::Tensor ClipEncoder::lastHiddenState(const at::Tensor& x, bool causal) const {
  at::Tensor h = x;
  for (const auto& layer : layers) h = layer.forward(h, causal);
  return h;
}

}  // namespace ppd
