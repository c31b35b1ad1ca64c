#pragma once
#include <ATen/ATen.h>

namespace ppd {

// CPU convolutions on oneDNN's own (blocked) kernel layout.
//
// ATen's CPU convolution hands oneDNN a plain (NCHW or NHWC) kernel and oneDNN reorders it into its
// blocked layout on every call: for the UNet's deep levels (1280 channels on 4x4..16x16 latents) that
// reorder costs 10-20x the convolution itself (a [1280, 2560, 3, 3] kernel: ~240 ms reorder + 12 ms
// compute on 2 cores). Packing each kernel once at load and calling oneDNN's convolution with the
// packed kernel (mkldnn::_convolution_pointwise, what torch.compile's CPU freezing uses) skips it;
// the results are the same bits as ATen's oneDNN convolution.

// Whether `weight` (a dense CPU fp32/bf16 kernel) should be packed: this libtorch has oneDNN and the
// CPU convolution layout switch (convolutionsChannelsLast, PPBENCH_CHANNELS_LAST) is on.
bool packsConvolutionWeight(const at::Tensor& weight);

// The kernel in oneDNN's layout (an MKLDNN tensor with the same sizes); the dense one can then go.
at::Tensor packConvolutionWeight(const at::Tensor& weight, int64_t stride, int64_t padding);

// conv2d(x, packed, bias) for a kernel from packConvolutionWeight; x NCHW or channels_last (the
// output keeps x's layout).
at::Tensor packedConvolution(const at::Tensor& x, const at::Tensor& packed, const at::Tensor& bias, int64_t stride,
                             int64_t padding);

}  // namespace ppd
