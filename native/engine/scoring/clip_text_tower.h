#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <memory>

#include "engine/core/json_file.h"
#include "engine/io/weight_loader.h"

namespace ppd {

// The text half of a CLIPModel as the scorer needs it: token ids [T, 77] → projected text_embeds
// [T, projection_dim] (pooled EOS state through `text_projection`). The scorer only sees this seam,
// so the text encoder (ClipTextModel over `text_model.*` + `text_projection.weight`) plugs in through a
// factory without the scorer depending on its internals.
class ClipTextTower {
 public:
  virtual ~ClipTextTower() = default;
  virtual at::Tensor textEmbeds(const at::Tensor& inputIds) const = 0;
};

// Builds the tower from the CLIPModel config.json and the model's root parameter scope.
using ClipTextTowerFactory = std::function<std::unique_ptr<ClipTextTower>(const JsonView& clipConfig,
                                                                          const ParamScope& root)>;

}  // namespace ppd
