#include "engine/models/autoencoder_kl_config.h"

#include "engine/core/error.h"
#include "engine/models/config_limits.h"

namespace ppd {

AutoencoderKLConfig AutoencoderKLConfig::fromJson(const JsonView& json) {
  AutoencoderKLConfig c;
  const std::string& src = json.source();
  auto bad = [&](const std::string& key, const std::string& why) {
    fail(ErrorCode::ModelLoad, src + ": key \"" + key + "\" " + why);
  };
  checkListLength(json, "block_out_channels", kBlocksRange);
  for (const char* key : {"block_out_channels", "latent_channels", "out_channels", "in_channels", "norm_num_groups"})
    checkIntegers(json, key, kChannelsRange);
  checkIntegers(json, "layers_per_block", kLayersRange);
  c.blockOutChannels = json.get<std::vector<int64_t>>("block_out_channels", c.blockOutChannels);
  c.layersPerBlock = json.get<int64_t>("layers_per_block", c.layersPerBlock);
  c.latentChannels = json.get<int64_t>("latent_channels", c.latentChannels);
  c.outChannels = json.get<int64_t>("out_channels", c.outChannels);
  c.normNumGroups = json.get<int64_t>("norm_num_groups", c.normNumGroups);
  c.actFn = json.get<std::string>("act_fn", c.actFn);
  c.midBlockAddAttention = json.get<bool>("mid_block_add_attention", c.midBlockAddAttention);
  c.usePostQuantConv = json.get<bool>("use_post_quant_conv", c.usePostQuantConv);
  c.scalingFactor = json.get<double>("scaling_factor", c.scalingFactor);
  if (json.has("shift_factor")) c.shiftFactor = json.get<double>("shift_factor");
  if (json.has("latents_mean")) c.latentsMean = json.get<std::vector<double>>("latents_mean");
  if (json.has("latents_std")) c.latentsStd = json.get<std::vector<double>>("latents_std");
  c.forceUpcast = json.get<bool>("force_upcast", c.forceUpcast);

  if (c.blockOutChannels.empty()) bad("block_out_channels", "is empty");
  for (int64_t ch : c.blockOutChannels)
    if (ch <= 0 || ch % c.normNumGroups != 0)
      bad("block_out_channels", "holds " + std::to_string(ch) + ", not a positive multiple of norm_num_groups " +
                                    std::to_string(c.normNumGroups));
  if (c.layersPerBlock < 1) bad("layers_per_block", "must be at least 1");
  if (c.latentChannels < 1) bad("latent_channels", "must be positive");
  if (c.outChannels < 1) bad("out_channels", "must be positive");
  if (c.normNumGroups < 1) bad("norm_num_groups", "must be positive");
  if (c.scalingFactor == 0) bad("scaling_factor", "must not be 0");
  if (json.has("up_block_types")) {
    const auto types = json.get<std::vector<std::string>>("up_block_types");
    if (types.size() != c.blockOutChannels.size())
      bad("up_block_types", "has " + std::to_string(types.size()) + " entries for " +
                                std::to_string(c.blockOutChannels.size()) + " block_out_channels");
    for (const auto& t : types)
      if (t != "UpDecoderBlock2D") bad("up_block_types", "holds unsupported \"" + t + "\" (only UpDecoderBlock2D)");
  }
  if (c.latentsMean.has_value() != c.latentsStd.has_value())
    bad(c.latentsMean ? "latents_std" : "latents_mean", "is missing while its counterpart is set");
  const auto lengthOk = [&](const char* key, const std::optional<std::vector<double>>& v) {
    if (v && static_cast<int64_t>(v->size()) != c.latentChannels)
      bad(key, "has " + std::to_string(v->size()) + " entries, latent_channels is " + std::to_string(c.latentChannels));
  };
  lengthOk("latents_mean", c.latentsMean);
  lengthOk("latents_std", c.latentsStd);
  return c;
}

}  // namespace ppd
