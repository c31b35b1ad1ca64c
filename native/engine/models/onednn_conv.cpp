#include "engine/models/onednn_conv.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include <optional>
#include <string_view>

#include "engine/models/layers.h"

namespace ppd {
namespace {

using PointwiseConvolution = at::Tensor(const at::Tensor&, const at::Tensor&, const std::optional<at::Tensor>&,
                                        c10::IntArrayRef, c10::IntArrayRef, c10::IntArrayRef, int64_t,
                                        c10::string_view, c10::List<std::optional<at::Scalar>>,
                                        std::optional<c10::string_view>);

// The operator is registered by libtorch's oneDNN code; a build without it has none.
const c10::TypedOperatorHandle<PointwiseConvolution>* pointwiseConvolution() {
  static const auto handle = []() -> std::optional<c10::TypedOperatorHandle<PointwiseConvolution>> {
    if (!at::hasMKLDNN()) return std::nullopt;
    const auto schema = c10::Dispatcher::singleton().findSchema({"mkldnn::_convolution_pointwise", ""});
    if (!schema) return std::nullopt;
    return schema->typed<PointwiseConvolution>();
  }();
  return handle ? &*handle : nullptr;
}

}  // namespace

bool packsConvolutionWeight(const at::Tensor& weight) {
  // 1x1 kernels stay as they are: oneDNN reads them without a reorder, while a packed one made
  // without the input size can come out in a layout the call must reorder again (10-30x slower).
  return weight.defined() && weight.is_cpu() && weight.layout() == at::kStrided && weight.dim() == 4 &&
         weight.size(2) * weight.size(3) > 1 &&
         (weight.scalar_type() == at::kFloat || weight.scalar_type() == at::kBFloat16) &&
         convolutionsChannelsLast(weight.device(), weight.scalar_type()) &&
         at::globalContext().userEnabledMkldnn() && pointwiseConvolution() != nullptr;
}

at::Tensor packConvolutionWeight(const at::Tensor& weight, int64_t stride, int64_t padding) {
  // No input size: the layout oneDNN picks for the kernel depends on the channels and the CPU, and a
  // call whose input wants another one still gets a correct (reordered) kernel.
  return at::mkldnn_reorder_conv2d_weight(weight.contiguous().to_mkldnn(), {padding, padding}, {stride, stride},
                                          {1, 1}, 1);
}

at::Tensor packedConvolution(const at::Tensor& x, const at::Tensor& packed, const at::Tensor& bias, int64_t stride,
                             int64_t padding) {
  return pointwiseConvolution()->call(x, packed, bias.defined() ? std::optional<at::Tensor>(bias) : std::nullopt,
                                      {padding, padding}, {stride, stride}, {1, 1}, 1, "none", c10::List<std::optional<at::Scalar>>(), std::nullopt);
}

}  // namespace ppd
