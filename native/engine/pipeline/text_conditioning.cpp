#include "engine/pipeline/text_conditioning.h"

#include "engine/core/error.h"

namespace ppd {

TextEncoding encodePromptIds(const PipelineComponents& c, const std::vector<at::Tensor>& ids, Capture& capture,
                             bool captureEncoders) {
  if (ids.size() != c.textEncoders.size())
    fail(ErrorCode::InvalidArg, "Expected token ids for " + std::to_string(c.textEncoders.size()) +
                                    " text encoder(s) but received " + std::to_string(ids.size()));
  TextEncoding out;
  if (!c.sdxl()) {
    out.promptEmbeds = c.textEncoders[0].forward(ids[0].to(c.device)).lastHiddenState;
    return out;
  }
  std::vector<at::Tensor> perEncoder;
  for (size_t k = 0; k < ids.size(); ++k) {
    const ClipTextOutput o = c.textEncoders[k].forward(ids[k].to(c.device));
    if (o.hiddenStates.size() < 2) fail(ErrorCode::ModelLoad, "text encoder " + std::to_string(k) + " has no penultimate layer");
    const at::Tensor& penultimate = o.hiddenStates[o.hiddenStates.size() - 2];
    perEncoder.push_back(penultimate);
    // diffusers keeps the pooled output of the last encoder: text_embeds when projected.
    out.pooledEmbeds = o.textEmbeds.defined() ? o.textEmbeds : o.pooledOutput;
    if (captureEncoders) {
      const std::string name = "text_encoder_" + std::to_string(k);
      capture.put(name + ".hidden_states_m2", penultimate);
      capture.put(name + ".output0", o.textEmbeds.defined() ? o.textEmbeds : o.lastHiddenState);
    }
  }
  out.promptEmbeds = at::cat(perEncoder, -1);
  return out;
}

at::Tensor additionalTimeIds(int64_t height, int64_t width, at::ScalarType dtype, at::Device device) {
  const double h = static_cast<double>(height), w = static_cast<double>(width);
  return at::tensor({h, w, 0.0, 0.0, h, w}, at::TensorOptions().dtype(at::kDouble)).to(device, dtype).unsqueeze(0);
}

}  // namespace ppd
