#pragma once
#include <ATen/core/ivalue.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ppd {

// FLOPs of operators the engine runs whose cost libtorch's profiler does not estimate: oneDNN's
// convolution on a packed kernel (mkldnn::_convolution_pointwise, engine/models/onednn_conv.h),
// counted as the profiler counts aten::conv2d (2 x output elements x input channels per group x
// kernel area; the bias is not counted). `shapes` and `concreteInputs` are the profiler's record of
// the operator's inputs (padding, stride and dilation come from the latter). 0 when unknown.
uint64_t untrackedOperatorFlops(const std::string& name, const std::vector<std::vector<int64_t>>& shapes,
                                c10::ArrayRef<c10::IValue> concreteInputs);

}  // namespace ppd
