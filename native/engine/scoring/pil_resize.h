#pragma once
#include <ATen/ATen.h>

namespace ppd {

// PIL `Image.resize((width, height), Image.BICUBIC)` of an [H, W, C] uint8 CPU image, bit-exact with
// Pillow's 8-bit path (the CLIP preprocessing goldens are defined by it): separable bicubic (a = -0.5)
// whose support widens by the scale factor when shrinking (antialiasing), coefficients normalised per
// output pixel and quantised to 22-bit fixed point, a horizontal pass rounded and clipped to uint8,
// then a vertical pass. A pass whose size does not change is skipped, as Pillow does.
at::Tensor pilResizeBicubic(const at::Tensor& image, int64_t height, int64_t width);

}  // namespace ppd
