#include "engine/models/unet/timestep_embedding.h"

#include "engine/profiling/trace_scope.h"

#include <cmath>

namespace ppd::unet {

at::Tensor sinusoidalTimestepEmbedding(const at::Tensor& timesteps, int64_t dim, bool flipSinToCos, double freqShift) {
  const int64_t half = dim / 2;
  const auto options = at::TensorOptions().dtype(at::kFloat).device(timesteps.device());
  // Same operation order as diffusers (scale the fp32 arange, then divide), so the fp32 roundings agree.
  auto exponent = at::arange(0, half, options) * -std::log(10000.0);
  exponent = exponent / (static_cast<double>(half) - freqShift);
  const auto args = timesteps.to(at::kFloat).unsqueeze(1) * at::exp(exponent).unsqueeze(0);
  auto emb = flipSinToCos ? at::cat({at::cos(args), at::sin(args)}, -1) : at::cat({at::sin(args), at::cos(args)}, -1);
  // An odd width gets a zero column at the end.
  if (dim % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1});
  return emb;
}

TimestepEmbedding::TimestepEmbedding(const ParamScope& s, int64_t in, int64_t out, std::string act_)
    : linear_1(s.sub("linear_1"), in, out), linear_2(s.sub("linear_2"), out, out), act(std::move(act_)) {
  scopeName = traceName(s);
}

at::Tensor TimestepEmbedding::operator()(const at::Tensor& x) const {
  PPD_TRACE_SCOPE(scopeName);
  return linear_2(activation(act, linear_1(x)));
}

}  // namespace ppd::unet
