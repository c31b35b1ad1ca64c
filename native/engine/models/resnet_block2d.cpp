#include "engine/models/resnet_block2d.h"

namespace ppd {

ResnetBlock2D::ResnetBlock2D(const ParamScope& s, int64_t inChannels, int64_t outChannels, int64_t tembChannels,
                             int64_t groups, double eps, std::string act)
    : norm1(s.sub("norm1"), groups, inChannels, eps),
      conv1(s.sub("conv1"), inChannels, outChannels, 3, 1, 1),
      norm2(s.sub("norm2"), groups, outChannels, eps),
      conv2(s.sub("conv2"), outChannels, outChannels, 3, 1, 1),
      act_(std::move(act)) {
  if (tembChannels > 0) time_emb_proj = Linear(s.sub("time_emb_proj"), tembChannels, outChannels);
  if (inChannels != outChannels) conv_shortcut = Conv2d(s.sub("conv_shortcut"), inChannels, outChannels, 1);
}

at::Tensor ResnetBlock2D::forward(const at::Tensor& x, const at::Tensor& temb) const {
  at::Tensor h = conv1(activation(act_, norm1(x)));
  if (time_emb_proj.weight.defined() && temb.defined())
    h = h + time_emb_proj(activation(act_, temb)).unsqueeze(-1).unsqueeze(-1);
  h = conv2(activation(act_, norm2(h)));
  return (conv_shortcut.weight.defined() ? conv_shortcut(x) : x) + h;
}

}  // namespace ppd
