#include "engine/pipeline/image_output.h"

#include "engine/device/host_transfer.h"

namespace ppd {

at::Tensor imageToFloat(const at::Tensor& decoded) {
  return (decoded.to(at::kFloat) / 2 + 0.5).clamp(0, 1);
}

at::Tensor floatImageToUint8(const at::Tensor& imageFloat) {
  // On the image's device (the same fp32 arithmetic and round-half-even as on the CPU), then only
  // the uint8 pixels travel, through pinned memory.
  return toHost((imageFloat[0].permute({1, 2, 0}) * 255).round().to(at::kByte).contiguous());
}

}  // namespace ppd
