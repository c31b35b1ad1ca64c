#pragma once
#include <ATen/ATen.h>

#include "engine/io/weight_loader.h"

namespace ppd {

// The building blocks every network uses, named like torch.nn so keys map 1:1
// (`<prefix>.weight`, `<prefix>.bias`).

struct Linear {
  at::Tensor weight, bias;  // bias undefined when absent
  Linear() = default;
  Linear(const ParamScope& s, int64_t in, int64_t out, bool withBias = true);
  at::Tensor operator()(const at::Tensor& x) const;
};

// Convolutions run on channels_last (NHWC) tensors where that is faster:
// - CPU: oneDNN then reads and writes activations as they are instead of reordering NCHW <-> its
//   blocked layout around every call. PPBENCH_CHANNELS_LAST=0 keeps NCHW (for comparison).
// - CUDA, fp16/bf16: cuDNN's tensor-core kernels work in NHWC; an NCHW tensor is transposed around
//   each call. PPBENCH_CUDA_CHANNELS_LAST=0 keeps NCHW. fp32 on CUDA stays NCHW.
// Kernels wider than 1x1 are stored in that layout once at load.
bool convolutionsChannelsLast(at::Device device, at::ScalarType dtype);
// `x` in the layout the convolutions of a network on its device and dtype want.
at::Tensor toConvolutionLayout(const at::Tensor& x);

struct Conv2d {
  at::Tensor weight, bias;  // weight: dense, or oneDNN-packed after packedForCpu
  int64_t stride = 1, padding = 0;
  Conv2d() = default;
  Conv2d(const ParamScope& s, int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0);
  at::Tensor operator()(const at::Tensor& x) const;
};

// `conv` with its kernel in oneDNN's own layout when it runs on the CPU (engine/models/onednn_conv.h:
// no per-call kernel reorder), unchanged elsewhere. Modules wrap the Conv2d they build in it.
Conv2d packedForCpu(Conv2d conv);

struct GroupNorm {
  at::Tensor weight, bias;
  int64_t groups = 32;
  double eps = 1e-5;
  GroupNorm() = default;
  GroupNorm(const ParamScope& s, int64_t groups, int64_t channels, double eps);
  at::Tensor operator()(const at::Tensor& x) const;
};

// GroupNorm needs whole groups: a block whose config breaks this fails at load time, naming the
// module (`s`), rather than inside the first forward pass.
void requireWholeGroups(const ParamScope& s, int64_t channels, int64_t groups);

struct LayerNorm {
  at::Tensor weight, bias;
  double eps = 1e-5;
  LayerNorm() = default;
  LayerNorm(const ParamScope& s, int64_t dim, double eps);
  at::Tensor operator()(const at::Tensor& x) const;
};

struct Embedding {
  at::Tensor weight;
  Embedding() = default;
  Embedding(const ParamScope& s, int64_t count, int64_t dim);
  at::Tensor operator()(const at::Tensor& ids) const;
};

// Activations by their config names ("silu", "gelu", "quick_gelu", "gelu_tanh").
at::Tensor activation(const std::string& name, const at::Tensor& x);
// The same activation computed into x where the op has an in-place form (silu, relu); x must be a
// temporary the caller owns.
at::Tensor activationInPlace(const std::string& name, at::Tensor x);

// softmax(q kᵀ · scale [+ mask]) v over [batch, heads, tokens, headDim]. `upcast` computes
// the scores in fp32 (diffusers' upcast_attention / fp16 safety).
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                     const c10::optional<at::Tensor>& mask = c10::nullopt, bool upcast = false);

}  // namespace ppd
