#include "engine/models/layers.h"

#include <cmath>

#include "engine/core/env_switch.h"
#include "engine/core/error.h"
#include "engine/models/onednn_conv.h"

namespace ppd {

Linear::Linear(const ParamScope& s, int64_t in, int64_t out, bool withBias) {
  weight = s.take("weight", {out, in});
  if (withBias) bias = s.take("bias", {out});
}

at::Tensor Linear::operator()(const at::Tensor& x) const {
  return bias.defined() ? at::linear(x, weight, bias) : at::linear(x, weight);
}

bool convolutionsChannelsLast(at::Device device, at::ScalarType dtype) {
  static const bool cpu = envSwitchOn("PPBENCH_CHANNELS_LAST");
  static const bool cuda = envSwitchOn("PPBENCH_CUDA_CHANNELS_LAST");
  if (device.is_cpu()) return cpu;
  return device.is_cuda() && cuda && (dtype == at::kHalf || dtype == at::kBFloat16);
}

at::Tensor toConvolutionLayout(const at::Tensor& x) {
  return x.dim() == 4 && convolutionsChannelsLast(x.device(), x.scalar_type()) ? x.contiguous(at::MemoryFormat::ChannelsLast)
                                                                                : x;
}

Conv2d::Conv2d(const ParamScope& s, int64_t in, int64_t out, int64_t kernel, int64_t stride_, int64_t padding_)
    : stride(stride_), padding(padding_) {
  weight = s.take("weight", {out, in, kernel, kernel});
  bias = s.take("bias", {out});
  // A 1x1 kernel is the same in both layouts; a larger one is copied once here rather than on every call.
  if (kernel > 1 && weight.device().type() != at::kMeta) weight = toConvolutionLayout(weight);
}

at::Tensor Conv2d::operator()(const at::Tensor& x) const {
  if (weight.is_mkldnn()) return packedConvolution(x, weight, bias, stride, padding);
  // Two-element dilation, like torch.nn.Conv2d passes: the profiler's FLOP count needs it.
  return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding}, {1, 1});
}

Conv2d packedForCpu(Conv2d conv) {
  if (packsConvolutionWeight(conv.weight)) conv.weight = packConvolutionWeight(conv.weight, conv.stride, conv.padding);
  return conv;
}

GroupNorm::GroupNorm(const ParamScope& s, int64_t groups_, int64_t channels, double eps_) : groups(groups_), eps(eps_) {
  weight = s.take("weight", {channels});
  bias = s.take("bias", {channels});
}

at::Tensor GroupNorm::operator()(const at::Tensor& x) const { return at::group_norm(x, groups, weight, bias, eps); }

void requireWholeGroups(const ParamScope& s, int64_t channels, int64_t groups) {
  if (groups < 1 || channels % groups != 0)
    fail(ErrorCode::ModelLoad, s.prefix() + ": " + std::to_string(channels) + " channels do not split into " +
                                   std::to_string(groups) + " norm groups");
}

LayerNorm::LayerNorm(const ParamScope& s, int64_t dim, double eps_) : eps(eps_) {
  weight = s.take("weight", {dim});
  bias = s.take("bias", {dim});
}

at::Tensor LayerNorm::operator()(const at::Tensor& x) const {
  return at::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

Embedding::Embedding(const ParamScope& s, int64_t count, int64_t dim) { weight = s.take("weight", {count, dim}); }

at::Tensor Embedding::operator()(const at::Tensor& ids) const { return at::embedding(weight, ids); }

at::Tensor activation(const std::string& name, const at::Tensor& x) {
  if (name == "silu" || name == "swish") return at::silu(x);
  if (name == "gelu") return at::gelu(x);
  if (name == "gelu_tanh" || name == "gelu_pytorch_tanh") return at::gelu(x, "tanh");
  if (name == "quick_gelu") return x * at::sigmoid(1.702 * x);
  if (name == "relu") return at::relu(x);
  fail(ErrorCode::ModelLoad, "unsupported activation \"" + name + "\"");
}

at::Tensor activationInPlace(const std::string& name, at::Tensor x) {
  if (name == "silu" || name == "swish") return at::silu_(x);
  if (name == "relu") return at::relu_(x);
  return activation(name, x);  // the others allocate anyway
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                     const c10::optional<at::Tensor>& mask, bool upcast) {
  if (upcast && q.scalar_type() != at::kFloat) {
    return at::scaled_dot_product_attention(q.to(at::kFloat), k.to(at::kFloat), v.to(at::kFloat), mask)
        .to(q.scalar_type());
  }
  return at::scaled_dot_product_attention(q, k, v, mask);
}

}  // namespace ppd
