#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/layers.h"

namespace ppd {

// LAION improved-aesthetic-predictor, "linearMSE" variant: the nn.Sequential `layers` of
// Linear(in,1024), Dropout, Linear(1024,128), Dropout, Linear(128,64), Dropout, Linear(64,16),
// Linear(16,1) — no activations, dropout is identity at inference. `in` is the CLIP projection size
// (768 for ViT-L/14).
class AestheticMlp {
 public:
  AestheticMlp(const ParamScope& root, int64_t inputSize);
  // A torch.save state dict (.pth/.pt, read without executing pickle code) or a .safetensors file;
  // the input size comes from `layers.0.weight`.
  static AestheticMlp load(const std::string& path, at::TensorOptions options);
  // image_embeds [N, in] → scores [N]. The embeddings are L2-normalised first (a zero norm counts as 1),
  // as the predictor's reference inference does.
  at::Tensor score(const at::Tensor& imageEmbeds) const;
  int64_t inputSize() const { return layers_0.weight.size(1); }

  Linear layers_0, layers_2, layers_4, layers_6, layers_7;
};

}  // namespace ppd
