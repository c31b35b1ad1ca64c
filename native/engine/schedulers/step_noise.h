#pragma once
#include <ATen/ATen.h>

#include <optional>
#include <string>

namespace ppd {

// The fresh standard-normal noise a stochastic step mixes in (EulerAncestral, LCM, SDE-DPMSolver).
// Either given explicitly for this step (e.g. `noise.{i}` from a golden file) or drawn from a
// generator; default-constructed it holds neither, which is fine for deterministic steps.
class StepNoise {
 public:
  StepNoise() = default;
  static StepNoise given(at::Tensor noise);
  static StepNoise fromGenerator(at::Generator generator);

  // Noise shaped like `like`, in `dtype`, on like's device. A generator draws on its own device and
  // the result is moved, as diffusers' randn_tensor does, so a CPU generator yields the same numbers
  // whatever device the sample lives on. `who` names the scheduler in the error when none is held.
  at::Tensor draw(const at::Tensor& like, at::ScalarType dtype, const std::string& who) const;

 private:
  std::optional<at::Tensor> given_;
  std::optional<at::Generator> generator_;
};

}  // namespace ppd
