#pragma once
#include <ATen/ATen.h>

#include "engine/models/autoencoder_kl_config.h"

namespace ppd {

// What the VAE decodes, from the final latents (diffusers' SD/SDXL pipelines):
// with latents_mean/std (Playground v2.5) z = latents · std / scaling_factor + mean,
// else z = latents / scaling_factor. (shift_factor belongs to other pipelines and is not applied.)
at::Tensor vaeInputFromLatents(const at::Tensor& latents, const AutoencoderKLConfig& vae);

}  // namespace ppd
