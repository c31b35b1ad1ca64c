#pragma once
#include <ATen/ATen.h>

#include <array>
#include <string>
#include <vector>

#include "engine/core/json_file.h"

namespace ppd {

// transformers' CLIPImageProcessor, the slow PIL-based one that the scoring goldens (and the reference
// CLIP score) use: convert to RGB, resize the shortest edge with PIL bicubic on uint8, center crop
// (zero-padding an image smaller than the crop), `x * rescale_factor` in float64 cast to float32, then
// `(x - mean) / std` in float32 → pixel_values [N, 3, crop_height, crop_width].
class ClipImageProcessor {
 public:
  struct Config {
    bool doResize = true;
    int64_t shortestEdge = 224;  // used when resizeHeight/resizeWidth are 0
    int64_t resizeHeight = 0, resizeWidth = 0;
    bool doCenterCrop = true;
    int64_t cropHeight = 224, cropWidth = 224;
    bool doRescale = true;
    double rescaleFactor = 1.0 / 255.0;
    bool doNormalize = true;
    std::array<float, 3> imageMean = {0.48145466f, 0.4578275f, 0.40821073f};  // OpenAI CLIP
    std::array<float, 3> imageStd = {0.26862954f, 0.26130258f, 0.27577711f};
  };

  ClipImageProcessor() = default;  // CLIP defaults
  explicit ClipImageProcessor(Config config) : config_(config) {}
  // From `<dir>/preprocessor_config.json` (current `{"shortest_edge": n}` / `{"height", "width"}` layout
  // or the legacy integer `size`/`crop_size` of CLIPFeatureExtractor); CLIP defaults when absent.
  static ClipImageProcessor fromModelDir(const std::string& dir);
  static Config parseConfig(const JsonView& json);
  const Config& config() const { return config_; }

  // PIL convert("RGB") of an [H, W, C] uint8 image: C = 1 (L) or 2 (LA) replicates the gray channel,
  // C = 4 (RGBA) drops alpha (no compositing), C = 3 is returned as is.
  static at::Tensor toRgb(const at::Tensor& image);
  // The resized [h, w, 3] uint8 image, before cropping.
  at::Tensor resize(const at::Tensor& rgb) const;
  at::Tensor centerCrop(const at::Tensor& rgb) const;
  // Rescale and normalise an [h, w, 3] uint8 image → [3, h, w] float32.
  at::Tensor normalize(const at::Tensor& rgb) const;
  // The whole pipeline for a batch of [H, W, C] uint8 CPU images → [N, 3, crop_h, crop_w] float32 (CPU);
  // a bad image is ERR_INVALID_ARG whose message starts with "image <index>: ".
  at::Tensor operator()(const std::vector<at::Tensor>& images) const;

 private:
  Config config_;
};

}  // namespace ppd
