#pragma once
#include <ATen/ATen.h>

#include <string>

#include <vector>

#include "engine/models/autoencoder_kl_config.h"
#include "engine/models/layers.h"
#include "engine/models/unet_mid_block2d.h"
#include "engine/models/up_decoder_block2d.h"

namespace ppd {

// The decoding half of diffusers' AutoencoderKL: `post_quant_conv` and `decoder.*`.
// The encoder (`encoder.*`, `quant_conv.*`) is not built; its keys are skipped and counted in
// the load report. decode() returns the raw VAE output (NCHW, about [-1, 1]); latent scaling
// (scaling_factor, shift_factor, latents_mean/std) is the pipeline's job, see config().
class AutoencoderKLDecoder {
 public:
  AutoencoderKLDecoder() = default;
  AutoencoderKLDecoder(const AutoencoderKLConfig& config, const ParamScope& root);
  // z: [B, latent_channels, h, w] -> [B, out_channels, 2^(levels-1) h, 2^(levels-1) w].
  at::Tensor decode(const at::Tensor& z) const;
  const AutoencoderKLConfig& config() const { return config_; }

  Conv2d post_quant_conv;  // undefined weight when use_post_quant_conv is false
  // Under `decoder.`:
  Conv2d conv_in;
  UNetMidBlock2D mid_block;
  std::vector<UpDecoderBlock2D> up_blocks;
  GroupNorm conv_norm_out;
  Conv2d conv_out;
  std::string scopeName;  // "vae.decoder", the profiler scope of decode(): engine/profiling/trace_scope.h

 private:
  AutoencoderKLConfig config_;
};

}  // namespace ppd
