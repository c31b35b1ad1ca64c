#include "engine/models/autoencoder_kl_decoder.h"

#include "engine/core/error.h"
#include "engine/profiling/trace_scope.h"

namespace ppd {
namespace {
// diffusers builds every decoder GroupNorm (ResNets, attention, conv_norm_out) with eps 1e-6.
constexpr double kEps = 1e-6;
}  // namespace

AutoencoderKLDecoder::AutoencoderKLDecoder(const AutoencoderKLConfig& c, const ParamScope& root) : config_(c) {
  root.skipPrefix("encoder.");
  root.skipPrefix("quant_conv.");
  if (c.usePostQuantConv) post_quant_conv = packedForCpu(Conv2d(root.sub("post_quant_conv"), c.latentChannels, c.latentChannels, 1));

  const ParamScope d = root.sub("decoder");
  scopeName = traceName(d);
  const auto& channels = c.blockOutChannels;
  conv_in = packedForCpu(Conv2d(d.sub("conv_in"), c.latentChannels, channels.back(), 3, 1, 1));
  // No time embedding; output_scale_factor 1.
  const ResnetOptions resnet{.groups = c.normNumGroups, .eps = kEps, .act = c.actFn};
  mid_block = UNetMidBlock2D(d.sub("mid_block"), channels.back(), /*numLayers=*/1, c.midBlockAddAttention, resnet);
  // Up path: channels in reverse order, an upsampler after every block but the last.
  const ParamScope upScope = d.sub("up_blocks");
  const int64_t levels = static_cast<int64_t>(channels.size());
  int64_t previous = channels.back();
  for (int64_t i = 0; i < levels; ++i) {
    const int64_t out = channels[levels - 1 - i];
    up_blocks.emplace_back(upScope.sub(i), previous, out, c.layersPerBlock + 1, i != levels - 1, resnet);
    previous = out;
  }
  conv_norm_out = GroupNorm(d.sub("conv_norm_out"), c.normNumGroups, channels.front(), kEps);
  conv_out = packedForCpu(Conv2d(d.sub("conv_out"), channels.front(), c.outChannels, 3, 1, 1));
}

at::Tensor AutoencoderKLDecoder::decode(const at::Tensor& z) const {
  if (z.dim() != 4 || z.size(1) != config_.latentChannels)
    fail(ErrorCode::InvalidArg, "VAE decode: expected latents [batch, " + std::to_string(config_.latentChannels) +
                                    ", h, w], got " + c10::str(z.sizes()));
  PPD_TRACE_SCOPE(scopeName);
  const at::Tensor x = toConvolutionLayout(z);
  at::Tensor h = post_quant_conv.weight.defined() ? post_quant_conv(x) : x;
  h = mid_block.forward(conv_in(h));
  for (const auto& block : up_blocks) h = block.forward(h);
  // diffusers hard-codes SiLU here (conv_act), whatever act_fn says.
  return conv_out(at::silu(conv_norm_out(h))).contiguous();
}

}  // namespace ppd
