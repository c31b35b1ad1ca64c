#pragma once
#include <ATen/ATen.h>

#include <string>

#include "engine/models/layers.h"

namespace ppd::unet {

// diffusers' `Timesteps` / get_timestep_embedding: `dim` sinusoidal features per (possibly
// fractional) timestep, frequencies exp(-ln(10000) * i / (dim/2 - freqShift)). Always fp32, like
// diffusers, so fp16 models see the same phases; callers cast afterwards.
at::Tensor sinusoidalTimestepEmbedding(const at::Tensor& timesteps, int64_t dim, bool flipSinToCos, double freqShift);

// diffusers' TimestepEmbedding: linear_1 -> act -> linear_2 (keys `<prefix>.linear_{1,2}`).
struct TimestepEmbedding {
  Linear linear_1, linear_2;
  std::string act;
  TimestepEmbedding() = default;
  TimestepEmbedding(const ParamScope& s, int64_t in, int64_t out, std::string act);
  at::Tensor operator()(const at::Tensor& x) const;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd::unet
