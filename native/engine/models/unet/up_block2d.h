#pragma once
#include <ATen/ATen.h>

#include <string>

#include <optional>
#include <vector>

#include "engine/models/resnet_block2d.h"
#include "engine/models/upsample2d.h"

namespace ppd::unet {

// diffusers' UpBlock2D: `layers` ResnetBlock2Ds, each fed the running features concatenated with
// the newest remaining skip connection, then an optional upsampler.
// Channels as diffusers wires them: resnet i reads (i == 0 ? prevOut : out) channels plus the skip's
// (the last resnet's skip comes from the level above, `in` channels; the others carry `out`).
struct UpBlock2D {
  std::vector<ResnetBlock2D> resnets;
  std::optional<Upsample2D> upsampler;  // key `upsamplers.0`

  UpBlock2D(const ParamScope& s, int64_t in, int64_t prevOut, int64_t out, int64_t layers, bool addUpsample,
            const ResnetOptions& resnet);
  // Pops one skip per resnet from the back of `skips`; upsamples to the size of the next one.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, std::vector<at::Tensor>& skips) const;
  std::string scopeName;  // its profiler scope: engine/profiling/trace_scope.h
};

// Resnet i's input channels in an up block (shared with CrossAttnUpBlock2D).
inline int64_t upResnetInChannels(int64_t i, int64_t layers, int64_t in, int64_t prevOut, int64_t out) {
  return (i == 0 ? prevOut : out) + (i == layers - 1 ? in : out);
}

// Takes the newest skip connection off the stack and appends it to `x` on the channel axis.
at::Tensor concatSkip(const at::Tensor& x, std::vector<at::Tensor>& skips);

}  // namespace ppd::unet
