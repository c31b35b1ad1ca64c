#pragma once
#include <ATen/ATen.h>

#include <string>

#include <optional>
#include <vector>

#include "engine/models/resnet_block2d.h"
#include "engine/models/unet/transformer2d_model.h"
#include "engine/models/upsample2d.h"

namespace ppd::unet {

// diffusers' CrossAttnUpBlock2D: (ResnetBlock2D on [features, newest skip], Transformer2DModel)
// pairs, then an optional upsampler; channels wired as in UpBlock2D. `depths[i]` = transformer
// blocks of pair i (SSD-1B's up path is not the mirror of its down path).
struct CrossAttnUpBlock2D {
  std::vector<ResnetBlock2D> resnets;
  std::vector<Transformer2DModel> attentions;
  std::optional<Upsample2D> upsampler;  // key `upsamplers.0`

  CrossAttnUpBlock2D(const ParamScope& s, int64_t in, int64_t prevOut, int64_t out, const std::vector<int64_t>& depths,
                     bool addUpsample, const ResnetOptions& resnet, const TransformerOptions& transformer);
  // Pops one skip per pair from the back of `skips`; upsamples to the size of the next one.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context,
                     std::vector<at::Tensor>& skips) const;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd::unet
