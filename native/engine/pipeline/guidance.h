#pragma once
#include <ATen/ATen.h>

namespace ppd {

// diffusers applies classifier-free guidance iff guidance_scale > 1.
inline bool usesClassifierFreeGuidance(double guidance) { return guidance > 1.0; }

// `unetOutput` is the batch [uncond, cond]: u + g·(c − u), then optional guidance rescale
// (rescale_noise_cfg: match the std of the text branch, std over all non-batch dims, unbiased).
at::Tensor applyGuidance(const at::Tensor& unetOutput, double guidance, double guidanceRescale);

}  // namespace ppd
