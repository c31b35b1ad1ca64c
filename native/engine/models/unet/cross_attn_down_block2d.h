#pragma once
#include <ATen/ATen.h>

#include <string>

#include <optional>
#include <vector>

#include "engine/models/resnet_block2d.h"
#include "engine/models/unet/downsample2d.h"
#include "engine/models/unet/transformer2d_model.h"

namespace ppd::unet {

// diffusers' CrossAttnDownBlock2D: (ResnetBlock2D, Transformer2DModel) pairs, then an optional
// downsampler. `depths[i]` is the number of transformer blocks of pair i (its length = layers).
struct CrossAttnDownBlock2D {
  std::vector<ResnetBlock2D> resnets;
  std::vector<Transformer2DModel> attentions;
  std::optional<Downsample2D> downsampler;  // key `downsamplers.0`

  CrossAttnDownBlock2D(const ParamScope& s, int64_t in, int64_t out, const std::vector<int64_t>& depths,
                       bool addDownsample, const ResnetOptions& resnet, const TransformerOptions& transformer);
  // Pushes every pair's output and the downsampled result onto `skips`.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context,
                     std::vector<at::Tensor>& skips) const;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd::unet
