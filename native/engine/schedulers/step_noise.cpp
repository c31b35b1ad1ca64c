#include "engine/schedulers/step_noise.h"

#include "engine/core/error.h"
#include "engine/device/host_transfer.h"

namespace ppd {

StepNoise StepNoise::given(at::Tensor noise) {
  StepNoise n;
  n.given_ = std::move(noise);
  return n;
}

StepNoise StepNoise::fromGenerator(at::Generator generator) {
  StepNoise n;
  n.generator_ = std::move(generator);
  return n;
}

at::Tensor StepNoise::draw(const at::Tensor& like, at::ScalarType dtype, const std::string& who) const {
  if (given_) {
    if (!given_->sizes().equals(like.sizes()))
      fail(ErrorCode::InvalidArg, who + ": step noise has shape " + c10::str(given_->sizes()) +
                                      " but the sample has " + c10::str(like.sizes()));
    return toDevice(*given_, like.device(), dtype);
  }
  if (generator_) {
    return toDevice(at::randn(like.sizes(), *generator_, at::TensorOptions().dtype(dtype).device(generator_->device())),
                    like.device());
  }
  fail(ErrorCode::InvalidArg, who + ": this step is stochastic and needs noise (an explicit tensor or a generator)");
}

}  // namespace ppd
