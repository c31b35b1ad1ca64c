#include "engine/models/clip_attention.h"

#include "engine/core/error.h"

namespace ppd {

ClipAttention::ClipAttention(const ParamScope& s, int64_t hiddenSize, int64_t numHeads) : numHeads_(numHeads) {
  if (numHeads <= 0 || hiddenSize % numHeads != 0)
    fail(ErrorCode::ModelLoad, s.prefix() + ": hidden size " + std::to_string(hiddenSize) +
                                   " is not divisible by the number of attention heads " + std::to_string(numHeads));
  q_proj = Linear(s.sub("q_proj"), hiddenSize, hiddenSize);
  k_proj = Linear(s.sub("k_proj"), hiddenSize, hiddenSize);
  v_proj = Linear(s.sub("v_proj"), hiddenSize, hiddenSize);
  out_proj = Linear(s.sub("out_proj"), hiddenSize, hiddenSize);
}

at::Tensor ClipAttention::forward(const at::Tensor& x, bool causal) const {
  const int64_t batch = x.size(0), tokens = x.size(1), hidden = x.size(2);
  const int64_t headDim = hidden / numHeads_;
  auto heads = [&](const at::Tensor& t) { return t.view({batch, tokens, numHeads_, headDim}).transpose(1, 2); };
  c10::optional<at::Tensor> mask;
  // Boolean SDPA mask: true = may attend, i.e. each token sees itself and the tokens before it.
  if (causal) mask = at::ones({tokens, tokens}, x.options().dtype(at::kBool)).tril();
  at::Tensor out = attention(heads(q_proj(x)), heads(k_proj(x)), heads(v_proj(x)), mask);
  return out_proj(out.transpose(1, 2).reshape({batch, tokens, hidden}));
}

}  // namespace ppd
