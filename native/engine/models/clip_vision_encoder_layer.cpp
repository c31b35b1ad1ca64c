#include "engine/models/clip_vision_encoder_layer.h"

namespace ppd {

ClipVisionEncoderLayer::ClipVisionEncoderLayer(const ParamScope& s, int64_t hiddenSize, int64_t intermediateSize,
                                               int64_t numHeads, std::string hiddenAct, double layerNormEps)
    : q_proj(s.sub("self_attn").sub("q_proj"), hiddenSize, hiddenSize),
      k_proj(s.sub("self_attn").sub("k_proj"), hiddenSize, hiddenSize),
      v_proj(s.sub("self_attn").sub("v_proj"), hiddenSize, hiddenSize),
      out_proj(s.sub("self_attn").sub("out_proj"), hiddenSize, hiddenSize),
      layer_norm1(s.sub("layer_norm1"), hiddenSize, layerNormEps),
      layer_norm2(s.sub("layer_norm2"), hiddenSize, layerNormEps),
      fc1(s.sub("mlp").sub("fc1"), hiddenSize, intermediateSize),
      fc2(s.sub("mlp").sub("fc2"), intermediateSize, hiddenSize),
      numHeads_(numHeads),
      hiddenAct_(std::move(hiddenAct)) {}

at::Tensor ClipVisionEncoderLayer::operator()(const at::Tensor& hidden) const {
  const int64_t batch = hidden.size(0), tokens = hidden.size(1), width = hidden.size(2);
  auto heads = [&](const at::Tensor& t) { return t.view({batch, tokens, numHeads_, -1}).transpose(1, 2); };
  const at::Tensor x = layer_norm1(hidden);
  // attention() scales by 1/sqrt(head_dim) like CLIPAttention.
  const at::Tensor attended = attention(heads(q_proj(x)), heads(k_proj(x)), heads(v_proj(x)));
  const at::Tensor h = hidden + out_proj(attended.transpose(1, 2).reshape({batch, tokens, width}));
  return h + fc2(activation(hiddenAct_, fc1(layer_norm2(h))));
}

}  // namespace ppd
