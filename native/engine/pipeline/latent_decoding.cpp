#include "engine/pipeline/latent_decoding.h"

namespace ppd {

at::Tensor vaeInputFromLatents(const at::Tensor& latents, const AutoencoderKLConfig& vae) {
  if (vae.latentsMean && vae.latentsStd) {
    const auto options = at::TensorOptions().dtype(at::kDouble);
    const auto channels = static_cast<int64_t>(vae.latentsMean->size());
    auto mean = at::tensor(*vae.latentsMean, options).view({1, channels, 1, 1}).to(latents.device(), latents.scalar_type());
    auto std = at::tensor(*vae.latentsStd, options).view({1, channels, 1, 1}).to(latents.device(), latents.scalar_type());
    return latents * std / vae.scalingFactor + mean;
  }
  return latents / vae.scalingFactor;
}

}  // namespace ppd
