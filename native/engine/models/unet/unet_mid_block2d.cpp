#include "engine/models/unet/unet_mid_block2d.h"

namespace ppd::unet {

UNetMidBlock2D::UNetMidBlock2D(const ParamScope& s, int64_t channels, const ResnetOptions& resnet) {
  resnets.emplace_back(s.sub("resnets").sub(0), channels, channels, resnet);
}

}  // namespace ppd::unet
