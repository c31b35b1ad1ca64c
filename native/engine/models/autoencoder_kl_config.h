#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/json_file.h"

namespace ppd {

// diffusers' AutoencoderKL config (vae/config.json). Missing fields take diffusers' defaults
// (e.g. scaling_factor 0.18215 and force_upcast true for the SD1.5/SD2.1 configs that predate them).
struct AutoencoderKLConfig {
  std::vector<int64_t> blockOutChannels{64};
  int64_t layersPerBlock = 1;
  int64_t latentChannels = 4;
  int64_t outChannels = 3;
  int64_t normNumGroups = 32;
  std::string actFn = "silu";
  bool midBlockAddAttention = true;
  bool usePostQuantConv = true;
  // Latent scaling, applied by the pipeline, not by decode():
  //   z = latents / scalingFactor (+ shiftFactor), or with latentsMean/Std (Playground v2.5):
  //   z = latents * latentsStd / scalingFactor + latentsMean.
  double scalingFactor = 0.18215;
  std::optional<double> shiftFactor;
  std::optional<std::vector<double>> latentsMean, latentsStd;  // both or neither, latentChannels long
  bool forceUpcast = true;  // the VAE overflows in fp16: run it in fp32

  static AutoencoderKLConfig fromJson(const JsonView& json);
};

}  // namespace ppd
