#include "engine/models/attention_block.h"

#include "engine/profiling/trace_scope.h"

namespace ppd {
namespace {

Linear projection(const ParamScope& s, const std::string& name, const std::string& legacyName, int64_t channels) {
  Linear l;
  l.weight = s.takeAny({name + ".weight", legacyName + ".weight"}, {channels, channels});
  l.bias = s.takeAny({name + ".bias", legacyName + ".bias"}, {channels});
  return l;
}

}  // namespace

AttentionBlock::AttentionBlock(const ParamScope& s, int64_t channels, int64_t groups, double eps)
    : group_norm(s.sub("group_norm"), groups, channels, eps),
      to_q(projection(s, "to_q", "query", channels)),
      to_k(projection(s, "to_k", "key", channels)),
      to_v(projection(s, "to_v", "value", channels)),
      to_out(projection(s, "to_out.0", "proj_attn", channels)) {
  scopeName = traceName(s);
}

at::Tensor AttentionBlock::forward(const at::Tensor& x) const {
  PPD_TRACE_SCOPE(scopeName);
  const int64_t batch = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
  // [B, C, H, W] -> [B, H*W, C]: every position is a token.
  // (A free permute when x is channels_last.)
  const at::Tensor tokens = group_norm(x).permute({0, 2, 3, 1}).reshape({batch, height * width, channels});
  // One head of width C: [B, 1, H*W, C].
  const at::Tensor out = attention(to_q(tokens).unsqueeze(1), to_k(tokens).unsqueeze(1), to_v(tokens).unsqueeze(1));
  return x + to_out(out.squeeze(1)).reshape({batch, height, width, channels}).permute({0, 3, 1, 2});
}

}  // namespace ppd
