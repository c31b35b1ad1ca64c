#pragma once
#include <ATen/ATen.h>

#include <string>

#include <optional>
#include <vector>

#include "engine/models/resnet_block2d.h"
#include "engine/models/unet/downsample2d.h"

namespace ppd::unet {

// diffusers' DownBlock2D: `layers` ResnetBlock2Ds, then an optional stride-2 downsampler.
struct DownBlock2D {
  std::vector<ResnetBlock2D> resnets;
  std::optional<Downsample2D> downsampler;  // key `downsamplers.0`

  DownBlock2D(const ParamScope& s, int64_t in, int64_t out, int64_t layers, bool addDownsample,
              const ResnetOptions& resnet);
  // Pushes every resnet output and the downsampled result onto `skips` (the up path's inputs).
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, std::vector<at::Tensor>& skips) const;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd::unet
