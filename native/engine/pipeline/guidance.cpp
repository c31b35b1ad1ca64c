#include "engine/pipeline/guidance.h"

#include <vector>

namespace ppd {

at::Tensor applyGuidance(const at::Tensor& unetOutput, double guidance, double guidanceRescale) {
  auto chunks = unetOutput.chunk(2, 0);
  const auto& uncond = chunks[0];
  const auto& text = chunks[1];
  auto guided = uncond + guidance * (text - uncond);
  if (guidanceRescale <= 0.0) return guided;
  std::vector<int64_t> dims;
  for (int64_t d = 1; d < text.dim(); ++d) dims.push_back(d);
  auto stdText = text.std(dims, /*unbiased=*/true, /*keepdim=*/true);
  auto stdGuided = guided.std(dims, /*unbiased=*/true, /*keepdim=*/true);
  auto rescaled = guided * (stdText / stdGuided);
  return guidanceRescale * rescaled + (1.0 - guidanceRescale) * guided;
}

}  // namespace ppd
