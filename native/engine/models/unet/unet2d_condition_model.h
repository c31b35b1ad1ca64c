#pragma once
#include <ATen/ATen.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/io/weight_loader.h"
#include "engine/models/layers.h"
#include "engine/models/unet/cross_attn_down_block2d.h"
#include "engine/models/unet/cross_attn_up_block2d.h"
#include "engine/models/unet/down_block2d.h"
#include "engine/models/unet/timestep_embedding.h"
#include "engine/models/unet/unet_config.h"
#include "engine/models/unet/unet_mid_block2d_cross_attn.h"
#include "engine/models/unet/up_block2d.h"
#include "engine/models/unet_mid_block2d.h"

namespace ppd {

// SDXL-family micro-conditioning (`added_cond_kwargs` of diffusers), required when the config has
// addition_embed_type "text_time".
struct AddedCondition {
  at::Tensor textEmbeds;  // [B, pooled dim]: text_encoder_2's projected EOS embedding
  at::Tensor timeIds;     // [B, 6]: original H, W, crop top, left, target H, W
};

// diffusers' UNet2DConditionModel (SD 1.x / 2.x / XL families): the noise/velocity predictor.
// Modules are named like their weight keys, so a ParamScope on the `unet/` store loads them directly;
// without a store (meta mode) construction only records names and shapes.
class UNet2DConditionModel {
 public:
  UNet2DConditionModel(const UNetConfig& config, const ParamScope& scope);

  // sample [B, in, H, W] latents of any size (sizes that stop halving evenly, e.g. 12 on a 4-level
  // UNet, are handled like diffusers' forward_upsample_size); timestep 0-dim, [1] or [B], float or integer;
  // encoderHiddenStates [B, tokens, cross_attention_dim]. Computes in the sample's dtype (= the
  // weights'). Returns [B, out, H, W].
  at::Tensor forward(const at::Tensor& sample, const at::Tensor& timestep, const at::Tensor& encoderHiddenStates,
                     const AddedCondition* added) const;

  const UNetConfig& config() const { return config_; }

  std::string scopeName;  // "unet", the profiler scope of forward(): engine/profiling/trace_scope.h

 private:
  using DownBlock = std::variant<unet::CrossAttnDownBlock2D, unet::DownBlock2D>;
  using MidBlock = std::variant<unet::UNetMidBlock2DCrossAttn, UNetMidBlock2D>;
  using UpBlock = std::variant<unet::CrossAttnUpBlock2D, unet::UpBlock2D>;

  at::Tensor timeEmbedding(const at::Tensor& sample, const at::Tensor& timestep, const AddedCondition* added) const;

  UNetConfig config_;
  Conv2d conv_in;
  unet::TimestepEmbedding time_embedding;
  std::optional<unet::TimestepEmbedding> add_embedding;  // text_time only
  std::vector<DownBlock> down_blocks;
  MidBlock mid_block;
  std::vector<UpBlock> up_blocks;
  GroupNorm conv_norm_out;
  Conv2d conv_out;
  // The top-level layers that are not blocks get scopes too, so the blocks' times add up to the UNet's;
  // time_conditioning holds the sinusoids and the time_embedding / add_embedding MLPs.
  std::string convInScope_, timeConditioningScope_, convNormOutScope_, convOutScope_;
};

}  // namespace ppd
