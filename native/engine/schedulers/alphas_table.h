#pragma once
#include <ATen/ATen.h>

#include <cstdint>

namespace ppd {

// alphas_cumprod of the alpha-based schedulers (PNDM, DDIM, LCM), indexed like the torch tensor
// diffusers indexes with a timestep. Entries are 0-dim float32 tensors: the step coefficients are
// then computed with ATen's float32 kernels, exactly as diffusers' torch code computes them (ATen's
// vectorized sqrt/log/exp are not always correctly rounded, so C++ float math would drift by ulps).
class AlphasTable {
 public:
  AlphasTable(const at::Tensor& alphasCumprod, bool setAlphaToOne);

  // alphas_cumprod[t]; a negative t wraps as torch indexing does. diffusers can produce t = -1:
  // "trailing" spacing builds np.arange(T, 0, -T/N), which for some N (61, 103, ...) has N+1
  // elements, the last rounding to 0, i.e. t = -1 after the shift.
  at::Tensor at(int64_t t) const;
  // alphas_cumprod[prev], or the final alpha (1, or alphas_cumprod[0]) once prev drops below 0.
  at::Tensor prev(int64_t prev) const { return prev >= 0 ? at(prev) : final_; }

 private:
  at::Tensor values_;
  at::Tensor final_;
};

}  // namespace ppd
