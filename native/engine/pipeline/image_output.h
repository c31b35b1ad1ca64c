#pragma once
#include <ATen/ATen.h>

namespace ppd {

// VAE output [1,3,H,W] in [-1,1] → clamp(x/2 + 0.5, 0, 1) ("image_float") → uint8 [H,W,3] with
// round-half-to-even as numpy's round (torch.round is the same).
at::Tensor imageToFloat(const at::Tensor& decoded);
at::Tensor floatImageToUint8(const at::Tensor& imageFloat);

}  // namespace ppd
