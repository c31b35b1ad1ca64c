#include "engine/models/aesthetic_mlp.h"

#include "engine/core/error.h"
#include "engine/io/torch_pickle.h"

namespace ppd {

AestheticMlp::AestheticMlp(const ParamScope& root, int64_t inputSize)
    : layers_0(root.sub("layers").sub(0), inputSize, 1024),
      layers_2(root.sub("layers").sub(2), 1024, 128),
      layers_4(root.sub("layers").sub(4), 128, 64),
      layers_6(root.sub("layers").sub(6), 64, 16),
      layers_7(root.sub("layers").sub(7), 16, 1) {}

AestheticMlp AestheticMlp::load(const std::string& path, at::TensorOptions options) {
  const bool isSafetensors = path.size() >= 12 && path.compare(path.size() - 12, 12, ".safetensors") == 0;
  const WeightStore store =
      isSafetensors ? WeightStore::openFile(path) : WeightStore::fromTensors(path, loadTorchStateDict(path));
  const std::string first = "layers.0.weight";
  if (!store.contains(first) || store.info(first).shape.size() != 2)
    fail(ErrorCode::ModelLoad, path + ": no 2-D \"" + first + "\" (not an improved-aesthetic-predictor state dict)");
  WeightLoader loader(&store, options, "aesthetic predictor");
  AestheticMlp mlp(ParamScope(loader), store.info(first).shape[1]);
  loader.finish();
  return mlp;
}

at::Tensor AestheticMlp::score(const at::Tensor& imageEmbeds) const {
  if (imageEmbeds.dim() != 2 || imageEmbeds.size(1) != inputSize())
    fail(ErrorCode::InvalidArg, "aesthetic predictor expects image_embeds [N, " + std::to_string(inputSize()) +
                                    "], got " + c10::str(imageEmbeds.sizes()));
  const at::Tensor x = imageEmbeds.to(layers_0.weight.options());
  const at::Tensor norm = at::linalg_vector_norm(x, 2, {-1}, /*keepdim=*/true);
  const at::Tensor normalised = x / at::where(norm == 0, at::ones_like(norm), norm);
  return layers_7(layers_6(layers_4(layers_2(layers_0(normalised))))).squeeze(-1);
}

}  // namespace ppd
