#pragma once
#include <ATen/ATen.h>

#include "engine/core/json_file.h"
#include "engine/io/weight_loader.h"
#include "engine/models/clip_text_model.h"

namespace ppd {

// The text half of a CLIPModel as the scorer needs it: token ids [T, L] → projected text_embeds
// [T, projection_dim] (pooled EOS state through `text_projection`). The scorer only sees this seam.
class ClipTextTower {
 public:
  virtual ~ClipTextTower() = default;
  virtual at::Tensor textEmbeds(const at::Tensor& inputIds) const = 0;
};

// The real tower: transformers' CLIPModel.get_text_features, i.e. ClipTextModel with projection over
// the CLIPModel's `text_model.*` + `text_projection.weight` keys (a `text_config` object plus the
// top-level `projection_dim` in its config.json).
class ClipModelTextTower : public ClipTextTower {
 public:
  // `clipConfig`: the CLIPModel config.json; `root`: the model's root scope (meta mode allowed).
  ClipModelTextTower(const JsonView& clipConfig, const ParamScope& root);
  // inputIds: [T, L] int64 on the model's device, L <= max_position_embeddings, every id < vocab_size
  // (ERR_INVALID_ARG naming the text otherwise).
  at::Tensor textEmbeds(const at::Tensor& inputIds) const override;

  const ClipTextConfig& config() const { return model_.config(); }
  const ClipTextModel& model() const { return model_; }

  // The text config of a CLIPModel config.json, with the model's top-level projection_dim.
  static ClipTextConfig textConfig(const JsonView& clipConfig);

 private:
  ClipTextModel model_;
};

}  // namespace ppd
