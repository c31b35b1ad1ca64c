#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/layers.h"

namespace ppd::unet {

// diffusers' Downsample2D with use_conv and downsample_padding 1: a 3x3 stride-2 convolution
// (H -> ceil(H/2)). Key `<prefix>.conv`.
struct Downsample2D {
  Conv2d conv;
  Downsample2D() = default;
  Downsample2D(const ParamScope& s, int64_t channels);
  at::Tensor operator()(const at::Tensor& x) const;

  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd::unet
