#include "engine/pipeline/image_output.h"

namespace ppd {

at::Tensor imageToFloat(const at::Tensor& decoded) {
  return (decoded.to(at::kFloat) / 2 + 0.5).clamp(0, 1);
}

at::Tensor floatImageToUint8(const at::Tensor& imageFloat) {
  return (imageFloat[0].permute({1, 2, 0}).to(at::kCPU) * 255).round().to(at::kByte).contiguous();
}

}  // namespace ppd
