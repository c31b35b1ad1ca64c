#include "engine/models/unet/transformer2d_model.h"

#include "engine/core/error.h"
#include "engine/profiling/trace_scope.h"

namespace ppd::unet {
namespace {

std::variant<Conv2d, Linear> projection(const ParamScope& s, int64_t in, int64_t out, bool linear) {
  if (linear) return Linear(s, in, out);
  return packedForCpu(Conv2d(s, in, out, 1));
}

}  // namespace

Transformer2DModel::Transformer2DModel(const ParamScope& s, int64_t channels, int64_t depth,
                                       const TransformerOptions& opt)
    : norm(s.sub("norm"), opt.groups, channels, 1e-6),
      proj_in(projection(s.sub("proj_in"), channels, channels, opt.useLinearProjection)),
      proj_out(projection(s.sub("proj_out"), channels, channels, opt.useLinearProjection)) {
  scopeName = traceName(s);
  requireWholeGroups(s, channels, opt.groups);
  if (channels % opt.heads != 0)
    fail(ErrorCode::ModelLoad, s.prefix() + ": " + std::to_string(channels) + " channels do not split into " +
                                   std::to_string(opt.heads) + " attention heads");
  const int64_t headDim = channels / opt.heads;
  for (int64_t i = 0; i < depth; ++i)
    transformer_blocks.emplace_back(s.sub("transformer_blocks").sub(i), channels, opt.heads, headDim,
                                    opt.crossAttentionDim, opt.upcastAttention);
}

at::Tensor Transformer2DModel::operator()(const at::Tensor& x, const at::Tensor& context) const {
  PPD_TRACE_SCOPE(scopeName);
  const int64_t batch = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
  auto toTokens = [&](const at::Tensor& t) { return t.permute({0, 2, 3, 1}).reshape({batch, height * width, channels}); };
  auto toImage = [&](const at::Tensor& t) {
    // Tokens are NHWC already: channels_last needs no copy.
    return t.reshape({batch, height, width, channels}).permute({0, 3, 1, 2}).contiguous(x.suggest_memory_format());
  };

  auto h = norm(x);
  if (const auto* conv = std::get_if<Conv2d>(&proj_in)) {
    h = toTokens((*conv)(h));
  } else {
    h = std::get<Linear>(proj_in)(toTokens(h));
  }
  for (const auto& block : transformer_blocks) h = block(h, context);
  if (const auto* conv = std::get_if<Conv2d>(&proj_out)) {
    h = (*conv)(toImage(h));
  } else {
    h = toImage(std::get<Linear>(proj_out)(h));
  }
  return h + x;
}

}  // namespace ppd::unet
