#include "engine/models/clip_text_model.h"

#include "engine/profiling/trace_scope.h"

namespace ppd {
namespace {

// Files written by transformers 4.x name the weights "text_model.embeddings…"; transformers 5's
// save_pretrained of a CLIPTextModel writes them without that prefix. Both load.
ParamScope textModelScope(const ParamScope& root) {
  const bool unprefixed = !root.has("text_model.embeddings.token_embedding.weight") &&
                          root.has("embeddings.token_embedding.weight");
  return unprefixed ? root : root.sub("text_model");
}

}  // namespace

ClipTextModel::ClipTextModel(const ClipTextConfig& config, const ParamScope& root, bool withProjection)
    : text_model(config, textModelScope(root)), config_(config) {
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
