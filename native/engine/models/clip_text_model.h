#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/clip_text_config.h"
#include "engine/models/clip_text_transformer.h"
#include "engine/models/layers.h"

namespace ppd {

// transformers' CLIPTextModel, or CLIPTextModelWithProjection when `withProjection` (adds the
// bias-free `text_projection`). `root` is the scope holding `text_model.*` and `text_projection`:
// the loader's root for a text_encoder folder; a CLIPModel's text tower uses the same keys
// (pass its config's top-level projection_dim in `config.projectionDim`).
class ClipTextModel {
 public:
  ClipTextModel() = default;
  ClipTextModel(const ClipTextConfig& config, const ParamScope& root, bool withProjection);
  // ids: [batch, tokens] int64 (tokens <= max_position_embeddings, normally 77).
  ClipTextOutput forward(const at::Tensor& ids) const;

  const ClipTextConfig& config() const { return config_; }
  bool withProjection() const { return text_projection.weight.defined(); }

  ClipTextTransformer text_model;
  Linear text_projection;  // undefined weight without projection

  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h

 private:
  ClipTextConfig config_;
};

}  // namespace ppd
