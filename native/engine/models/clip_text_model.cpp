#include "engine/models/clip_text_model.h"

#include "engine/profiling/trace_scope.h"

namespace ppd {

ClipTextModel::ClipTextModel(const ClipTextConfig& config, const ParamScope& root, bool withProjection)
    : text_model(config, root.sub("text_model")), config_(config) {
  scopeName = traceName(root);
  if (withProjection)
    text_projection = Linear(root.sub("text_projection"), config.hiddenSize, config.projectionDim, /*withBias=*/false);
}

ClipTextOutput ClipTextModel::forward(const at::Tensor& ids) const {
  PPD_TRACE_SCOPE(scopeName);
  ClipTextOutput out = text_model.forward(ids);
  if (withProjection()) out.textEmbeds = text_projection(out.pooledOutput);
  return out;
}

}  // namespace ppd
