#include "engine/models/resnet_block2d.h"

#include "engine/profiling/trace_scope.h"

namespace ppd {

ResnetBlock2D::ResnetBlock2D(const ParamScope& s, int64_t inChannels, int64_t outChannels, const ResnetOptions& o)
    : norm1(s.sub("norm1"), o.groups, inChannels, o.eps),
      conv1(packedForCpu(Conv2d(s.sub("conv1"), inChannels, outChannels, 3, 1, 1))),
      norm2(s.sub("norm2"), o.groups, outChannels, o.eps),
      conv2(packedForCpu(Conv2d(s.sub("conv2"), outChannels, outChannels, 3, 1, 1))),
      act_(o.act),
      outputScale_(o.outputScale) {
  scopeName = traceName(s);
  requireWholeGroups(s, inChannels, o.groups);
  requireWholeGroups(s, outChannels, o.groups);
  if (o.tembChannels > 0) time_emb_proj = Linear(s.sub("time_emb_proj"), o.tembChannels, outChannels);
  if (inChannels != outChannels) conv_shortcut = packedForCpu(Conv2d(s.sub("conv_shortcut"), inChannels, outChannels, 1));
}

at::Tensor ResnetBlock2D::forward(const at::Tensor& x, const at::Tensor& temb) const {
  PPD_TRACE_SCOPE(scopeName);
  // Each intermediate is released as soon as the next exists and the activations and residual add
  // work in place, so at most the input, one normalized tensor and one convolution output are alive
  // (the peak of a 1024 px VAE decode is here). Same values as the out-of-place form: x + h == h + x.
  at::Tensor h = conv1(activationInPlace(act_, norm1(x)));
  if (time_emb_proj.weight.defined()) h.add_(time_emb_proj(activation(act_, temb)).unsqueeze(-1).unsqueeze(-1));
  h = activationInPlace(act_, norm2(h));
  h = conv2(h);
  h.add_(conv_shortcut.weight.defined() ? conv_shortcut(x) : x);
  // Every config we know uses 1; skip the extra pass over the tensor then.
  return outputScale_ == 1.0 ? h : h.div_(outputScale_);
}

}  // namespace ppd
