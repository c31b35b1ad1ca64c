#include "engine/scoring/pil_resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/core/error.h"

// Bit-exactness with Pillow depends on evaluating the double-precision expressions below in the same
// order and without fused multiply-adds; CMakeLists.txt compiles this file with -ffp-contract=off.

namespace ppd {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // 8 result bits, 2 bits headroom for negative lobes / overshoot
constexpr double kBicubicSupport = 2.0;

// Keys' cubic convolution kernel with a = -0.5, written in Pillow's Horner order.
double bicubic(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

// For each output index along one axis: the first input index, how many inputs contribute, and their
// fixed-point weights (ksize slots per output, unused ones zero).
struct Taps {
  int ksize = 0;
  std::vector<int> first, count;
  std::vector<int32_t> weights;
};

Taps bicubicTaps(int inSize, int outSize) {
  const double scale = double(inSize) / outSize;
  // When shrinking, the kernel is stretched over `scale` input pixels so that every input contributes.
  const double filterScale = scale < 1.0 ? 1.0 : scale;
  const double support = kBicubicSupport * filterScale;
  const double invFilterScale = 1.0 / filterScale;
  Taps taps;
  taps.ksize = int(std::ceil(support)) * 2 + 1;
  taps.first.resize(outSize);
  taps.count.resize(outSize);
  taps.weights.assign(size_t(outSize) * taps.ksize, 0);
  std::vector<double> w(taps.ksize);
  for (int out = 0; out < outSize; ++out) {
    const double center = (out + 0.5) * scale;
    // Truncating casts of the rounded bounds, clamped to the image, exactly as Pillow.
    const int lo = std::max(int(center - support + 0.5), 0);
    const int hi = std::min(int(center + support + 0.5), inSize);
    double total = 0.0;
    for (int i = 0; i < hi - lo; ++i) {
      w[i] = bicubic((i + lo - center + 0.5) * invFilterScale);
      total += w[i];
    }
    int32_t* fixed = &taps.weights[size_t(out) * taps.ksize];
    for (int i = 0; i < hi - lo; ++i) {
      const double normalised = total != 0.0 ? w[i] / total : w[i];
      // Round half away from zero into 22-bit fixed point.
      fixed[i] = normalised < 0 ? int32_t(-0.5 + normalised * (1 << kPrecisionBits))
                                : int32_t(0.5 + normalised * (1 << kPrecisionBits));
    }
    taps.first[out] = lo;
    taps.count[out] = hi - lo;
  }
  return taps;
}

uint8_t clip8(int32_t accumulated) {
  const int32_t v = accumulated >> kPrecisionBits;
  return uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
}

// One separable pass over a [rows, cols, channels] uint8 buffer along `axis` (0 = rows, 1 = columns).
at::Tensor resamplePass(const at::Tensor& in, int axis, int outSize) {
  const int rows = int(in.size(0)), cols = int(in.size(1)), channels = int(in.size(2));
  const int inSize = axis == 0 ? rows : cols;
  const Taps taps = bicubicTaps(inSize, outSize);
  const int outRows = axis == 0 ? outSize : rows;
  const int outCols = axis == 0 ? cols : outSize;
  at::Tensor out = at::empty({outRows, outCols, channels}, in.options());
  const uint8_t* src = in.data_ptr<uint8_t>();
  uint8_t* dst = out.data_ptr<uint8_t>();
  // Distance between consecutive taps along the resampled axis, in bytes.
  const int64_t tapStride = axis == 0 ? int64_t(cols) * channels : channels;
  for (int r = 0; r < outRows; ++r) {
    for (int c = 0; c < outCols; ++c) {
      const int o = axis == 0 ? r : c;
      const int32_t* k = &taps.weights[size_t(o) * taps.ksize];
      const uint8_t* base = axis == 0 ? src + (int64_t(taps.first[o]) * cols + c) * channels
                                      : src + (int64_t(r) * cols + taps.first[o]) * channels;
      for (int ch = 0; ch < channels; ++ch) {
        int32_t acc = 1 << (kPrecisionBits - 1);
        for (int i = 0; i < taps.count[o]; ++i) acc += int32_t(base[i * tapStride + ch]) * k[i];
        dst[(int64_t(r) * outCols + c) * channels + ch] = clip8(acc);
      }
    }
  }
  return out;
}

}  // namespace

at::Tensor pilResizeBicubic(const at::Tensor& image, int64_t height, int64_t width) {
  if (image.dim() != 3 || image.scalar_type() != at::kByte || image.device() != at::kCPU)
    fail(ErrorCode::InvalidArg, "pilResizeBicubic expects an [H, W, C] uint8 CPU image, got " +
                                    std::string(image.toString()) + " of shape " + c10::str(image.sizes()));
  if (height <= 0 || width <= 0 || image.size(0) == 0 || image.size(1) == 0)
    fail(ErrorCode::InvalidArg, "cannot resize an image of shape " + c10::str(image.sizes()) + " to " +
                                    std::to_string(height) + "x" + std::to_string(width));
  at::Tensor x = image.contiguous();
  // Horizontal first, then vertical; each only when that size changes (Pillow's order, which matters:
  // the intermediate image is rounded to uint8).
  if (width != x.size(1)) x = resamplePass(x, 1, int(width));
  if (height != x.size(0)) x = resamplePass(x, 0, int(height));
  return x.is_same(image) ? image.clone() : x;
}

}  // namespace ppd
