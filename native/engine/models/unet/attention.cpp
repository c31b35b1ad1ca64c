#include "engine/models/unet/attention.h"

namespace ppd::unet {

Attention::Attention(const ParamScope& s, int64_t queryDim, int64_t contextDim, int64_t heads_, int64_t headDim,
                     bool upcast_)
    : to_q(s.sub("to_q"), queryDim, heads_ * headDim, false),
      to_k(s.sub("to_k"), contextDim, heads_ * headDim, false),
      to_v(s.sub("to_v"), contextDim, heads_ * headDim, false),
      to_out(s.sub("to_out").sub(0), heads_ * headDim, queryDim),
      heads(heads_),
      upcast(upcast_) {}

at::Tensor Attention::operator()(const at::Tensor& x, const at::Tensor& context) const {
  const auto& kv = context.defined() ? context : x;
  const int64_t batch = x.size(0);
  // [B, tokens, heads*headDim] -> [B, heads, tokens, headDim]
  auto split = [&](const at::Tensor& t) { return t.view({batch, t.size(1), heads, -1}).transpose(1, 2); };
  auto out = ppd::attention(split(to_q(x)), split(to_k(kv)), split(to_v(kv)), c10::nullopt, upcast);
  return to_out(out.transpose(1, 2).reshape({batch, x.size(1), -1}));
}

}  // namespace ppd::unet
