#include "engine/models/unet/unet2d_condition_model.h"

#include <algorithm>

#include "engine/core/error.h"
#include "engine/profiling/trace_scope.h"

namespace ppd {

using namespace unet;

namespace {

// std::visit over the block variants with one lambda per block type.
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

std::string shapeText(c10::IntArrayRef shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

ResnetOptions resnetOptions(const UNetConfig& c, double outputScale) {
  return {c.timeEmbedDim, c.normNumGroups, c.normEps, c.actFn, outputScale};
}

// `block` indexes the per-block lists in down-path order.
TransformerOptions transformerOptions(const UNetConfig& c, size_t block) {
  return {c.numAttentionHeads[block], c.crossAttentionDim[block], c.normNumGroups, c.useLinearProjection,
          c.upcastAttention};
}

std::vector<std::variant<CrossAttnDownBlock2D, DownBlock2D>> makeDownBlocks(const UNetConfig& c, const ParamScope& s) {
  std::vector<std::variant<CrossAttnDownBlock2D, DownBlock2D>> blocks;
  const size_t n = c.blockOutChannels.size();
  int64_t out = c.blockOutChannels[0];
  for (size_t i = 0; i < n; ++i) {
    const int64_t in = out;
    out = c.blockOutChannels[i];
    const bool downsample = i + 1 < n;
    const auto scope = s.sub("down_blocks").sub(static_cast<int64_t>(i));
    if (c.downBlockTypes[i] == "CrossAttnDownBlock2D") {
      blocks.emplace_back(std::in_place_type<CrossAttnDownBlock2D>, scope, in, out, c.downTransformerLayers[i],
                          downsample, resnetOptions(c, c.resnetOutScaleFactor), transformerOptions(c, i));
    } else {
      blocks.emplace_back(std::in_place_type<DownBlock2D>, scope, in, out, c.layersPerBlock[i], downsample,
                          resnetOptions(c, c.resnetOutScaleFactor));
    }
  }
  return blocks;
}

std::variant<UNetMidBlock2DCrossAttn, UNetMidBlock2D> makeMidBlock(const UNetConfig& c, const ParamScope& s) {
  const auto scope = s.sub("mid_block");
  const int64_t channels = c.blockOutChannels.back();
  const auto resnet = resnetOptions(c, c.midBlockScaleFactor);
  // get_mid_block's UNetMidBlock2D for the UNet: num_layers 0, no attention (a single ResNet).
  if (c.midBlockType == "UNetMidBlock2D")
    return UNetMidBlock2D(scope, channels, /*numLayers=*/0, /*addAttention=*/false, resnet);
  return UNetMidBlock2DCrossAttn(scope, channels, c.midTransformerLayers, resnet,
                                 transformerOptions(c, c.blockOutChannels.size() - 1));
}

std::vector<std::variant<CrossAttnUpBlock2D, UpBlock2D>> makeUpBlocks(const UNetConfig& c, const ParamScope& s) {
  std::vector<std::variant<CrossAttnUpBlock2D, UpBlock2D>> blocks;
  const size_t n = c.blockOutChannels.size();
  // Up block i mirrors down block n-1-i; its last resnet also takes the skip of the level above.
  int64_t out = c.blockOutChannels[n - 1];
  for (size_t i = 0; i < n; ++i) {
    const size_t mirror = n - 1 - i;
    const int64_t prevOut = out;
    out = c.blockOutChannels[mirror];
    const int64_t in = c.blockOutChannels[mirror == 0 ? 0 : mirror - 1];
    const bool upsample = i + 1 < n;
    const auto scope = s.sub("up_blocks").sub(static_cast<int64_t>(i));
    if (c.upBlockTypes[i] == "CrossAttnUpBlock2D") {
      blocks.emplace_back(std::in_place_type<CrossAttnUpBlock2D>, scope, in, prevOut, out, c.upTransformerLayers[i],
                          upsample, resnetOptions(c, c.resnetOutScaleFactor), transformerOptions(c, mirror));
    } else {
      blocks.emplace_back(std::in_place_type<UpBlock2D>, scope, in, prevOut, out, c.layersPerBlock[mirror] + 1,
                          upsample, resnetOptions(c, c.resnetOutScaleFactor));
    }
  }
  return blocks;
}

}  // namespace

UNet2DConditionModel::UNet2DConditionModel(const UNetConfig& c, const ParamScope& s)
    : config_(c),
      conv_in(packedForCpu(Conv2d(s.sub("conv_in"), c.inChannels, c.blockOutChannels[0], c.convInKernel, 1, (c.convInKernel - 1) / 2))),
      time_embedding(s.sub("time_embedding"), c.blockOutChannels[0], c.timeEmbedDim, c.actFn),
      down_blocks(makeDownBlocks(c, s)),
      mid_block(makeMidBlock(c, s)),
      up_blocks(makeUpBlocks(c, s)),
      conv_norm_out(s.sub("conv_norm_out"), c.normNumGroups, c.blockOutChannels[0], c.normEps),
      conv_out(packedForCpu(Conv2d(s.sub("conv_out"), c.blockOutChannels[0], c.outChannels, c.convOutKernel, 1,
                                  (c.convOutKernel - 1) / 2))),
      convInScope_(traceName(s, "conv_in")),
      timeConditioningScope_(traceName(s, "time_conditioning")),
      convNormOutScope_(traceName(s, "conv_norm_out")),
      convOutScope_(traceName(s, "conv_out")) {
  scopeName = traceName(s);
  // diffusers builds add_embedding with TimestepEmbedding's default activation (silu), not act_fn.
  if (c.additionEmbedType == "text_time")
    add_embedding.emplace(s.sub("add_embedding"), c.projectionClassEmbeddingsInputDim, c.timeEmbedDim, "silu");
}

at::Tensor UNet2DConditionModel::timeEmbedding(const at::Tensor& sample, const at::Tensor& timestep,
                                               const AddedCondition* added) const {
  PPD_TRACE_SCOPE(timeConditioningScope_);
  const int64_t batch = sample.size(0);
  auto timesteps = timestep.to(sample.device()).reshape({-1}).expand({batch});
  // The sinusoids are fp32 whatever the model dtype (diffusers casts after projecting).
  auto emb = time_embedding(
      sinusoidalTimestepEmbedding(timesteps, config_.blockOutChannels[0], config_.flipSinToCos, config_.freqShift)
          .to(sample.scalar_type()));
  if (!add_embedding) return emb;  // like diffusers, added conditions are ignored when not configured

  if (!added || !added->textEmbeds.defined() || !added->timeIds.defined())
    fail(ErrorCode::InvalidArg, "this UNet (addition_embed_type \"text_time\") needs text_embeds and time_ids");
  const auto& text = added->textEmbeds;
  const auto& ids = added->timeIds;
  if (text.dim() != 2 || ids.dim() != 2 || text.size(0) != batch || ids.size(0) != batch ||
      text.size(1) + ids.size(1) * config_.additionTimeEmbedDim != config_.projectionClassEmbeddingsInputDim)
    fail(ErrorCode::InvalidArg, "UNet added conditions: text_embeds " + shapeText(text.sizes()) + " and time_ids " +
                                    shapeText(ids.sizes()) + " do not fit batch " + std::to_string(batch) +
                                    " and add_embedding input " +
                                    std::to_string(config_.projectionClassEmbeddingsInputDim) + " (= pooled + ids x " +
                                    std::to_string(config_.additionTimeEmbedDim) + ")");
  // Each time id gets its own sinusoid; the rows are then laid side by side after the pooled text.
  const auto idEmbeds = sinusoidalTimestepEmbedding(ids.to(sample.device()).flatten(), config_.additionTimeEmbedDim,
                                                    config_.flipSinToCos, config_.freqShift)
                            .reshape({batch, -1});
  const auto addEmbeds = at::cat({text.to(sample.device()), idEmbeds}, -1).to(emb.scalar_type());
  return emb + (*add_embedding)(addEmbeds);
}

at::Tensor UNet2DConditionModel::forward(const at::Tensor& sample, const at::Tensor& timestep,
                                         const at::Tensor& encoderHiddenStates, const AddedCondition* added) const {
  PPD_TRACE_SCOPE(scopeName);
  const auto& c = config_;
  if (sample.dim() != 4 || sample.size(1) != c.inChannels)
    fail(ErrorCode::InvalidArg, "UNet sample must be [B, " + std::to_string(c.inChannels) + ", H, W], got " +
                                    shapeText(sample.sizes()));
  const int64_t batch = sample.size(0);
  if (timestep.dim() > 1 || (timestep.numel() != 1 && timestep.numel() != batch))
    fail(ErrorCode::InvalidArg, "UNet timestep must be a scalar, [1] or [" + std::to_string(batch) + "], got " +
                                    shapeText(timestep.sizes()));
  const bool contextFits =
      encoderHiddenStates.dim() == 3 && encoderHiddenStates.size(0) == batch &&
      std::all_of(c.crossAttentionDim.begin(), c.crossAttentionDim.end(),
                  [&](int64_t d) { return d == encoderHiddenStates.size(2); });
  if (!contextFits)
    fail(ErrorCode::InvalidArg, "UNet encoder_hidden_states must be [" + std::to_string(batch) + ", tokens, " +
                                    std::to_string(c.crossAttentionDim[0]) + "], got " +
                                    shapeText(encoderHiddenStates.sizes()));

  const auto emb = timeEmbedding(sample, timestep, added);
  const auto& context = encoderHiddenStates;

  // Skip connections: conv_in's output, then every down-block output; the up blocks pop them back.
  std::vector<at::Tensor> skips;
  at::Tensor h;
  {
    PPD_TRACE_SCOPE(convInScope_);
    h = conv_in(toConvolutionLayout(sample));
  }
  skips.push_back(h);
  for (const auto& block : down_blocks)
    h = std::visit(Overloaded{[&](const CrossAttnDownBlock2D& b) { return b.forward(h, emb, context, skips); },
                              [&](const DownBlock2D& b) { return b.forward(h, emb, skips); }},
                   block);
  h = std::visit(Overloaded{[&](const UNetMidBlock2DCrossAttn& b) { return b.forward(h, emb, context); },
                            [&](const UNetMidBlock2D& b) { return b.forward(h, emb); }},
                 mid_block);
  for (const auto& block : up_blocks)
    h = std::visit(Overloaded{[&](const CrossAttnUpBlock2D& b) { return b.forward(h, emb, context, skips); },
                              [&](const UpBlock2D& b) { return b.forward(h, emb, skips); }},
                   block);
  {
    PPD_TRACE_SCOPE(convNormOutScope_);
    h = activation(c.actFn, conv_norm_out(h));
  }
  {
    PPD_TRACE_SCOPE(convOutScope_);
    h = conv_out(h);
  }
  return h.contiguous();
}

}  // namespace ppd
