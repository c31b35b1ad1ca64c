#pragma once
#include <ATen/ATen.h>

#include <string>

#include <vector>

#include "engine/models/resnet_block2d.h"
#include "engine/models/upsample2d.h"

namespace ppd {

// diffusers' UpDecoderBlock2D (VAE decoder): numLayers ResNets without time embedding, then an
// optional x2 upsampler (`upsamplers.0`).
class UpDecoderBlock2D {
 public:
  UpDecoderBlock2D() = default;
  UpDecoderBlock2D(const ParamScope& s, int64_t inChannels, int64_t outChannels, int64_t numLayers, bool addUpsample,
                   const ResnetOptions& resnet);
  at::Tensor forward(const at::Tensor& x) const;

  std::vector<ResnetBlock2D> resnets;
  std::vector<Upsample2D> upsamplers;  // zero or one
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

}  // namespace ppd
