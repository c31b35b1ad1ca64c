#include "engine/profiling/operator_flops.h"

namespace ppd {
namespace {

// The two values of a recorded int[2] argument, or nothing.
bool pair(c10::ArrayRef<c10::IValue> inputs, size_t at, int64_t out[2]) {
  if (inputs.size() <= at || !inputs[at].isIntList()) return false;
  const auto list = inputs[at].toIntVector();
  if (list.size() != 2) return false;
  out[0] = list[0];
  out[1] = list[1];
  return true;
}

}  // namespace

uint64_t untrackedOperatorFlops(const std::string& name, const std::vector<std::vector<int64_t>>& shapes,
                                c10::ArrayRef<c10::IValue> concreteInputs) {
  if (name != "mkldnn::_convolution_pointwise" || shapes.size() < 2) return 0;
  // (X, W, B, padding, stride, dilation, …)
  const auto& x = shapes[0];
  const auto& w = shapes[1];
  int64_t padding[2], stride[2], dilation[2];
  if (x.size() != 4 || w.size() != 4 || !pair(concreteInputs, 3, padding) || !pair(concreteInputs, 4, stride) ||
      !pair(concreteInputs, 5, dilation) || stride[0] < 1 || stride[1] < 1)
    return 0;
  int64_t outSize[2];
  for (int i = 0; i < 2; ++i) {
    outSize[i] = (x[2 + i] + 2 * padding[i] - dilation[i] * (w[2 + i] - 1) - 1) / stride[i] + 1;
    if (outSize[i] <= 0) return 0;
  }
  // w is [out channels, in channels per group, kh, kw]: the groups are in w[1] already.
  const double flops = 2.0 * double(x[0]) * double(w[0]) * double(outSize[0]) * double(outSize[1]) * double(w[1]) *
                       double(w[2]) * double(w[3]);
  return static_cast<uint64_t>(flops);
}

}  // namespace ppd
