#include "engine/core/error.h"
#include "engine/io/safetensors.h"
#include "engine/scoring/clip_image_processor.h"
#include "engine/scoring/pil_resize.h"
#include "golden_util.h"
#include "scoring_fixtures.h"
#include "test_framework.h"

using ppd::ErrorCode;

TEST_CASE("scoring: PIL bicubic resize matches the golden uint8 images bit-exactly") {
  ppd::SafetensorsFile golden(scoringDir() + "/scoring_golden.safetensors");
  const auto processor = ppd::ClipImageProcessor::fromModelDir(scoringDir() + "/tiny-clip");
  for (const auto& name : kScoringImages) {
    const at::Tensor expected = golden.view(name + ".resized_uint8");
    const at::Tensor got = processor.resize(ppd::ClipImageProcessor::toRgb(scoringImage(name)));
    EXPECT_MSG(got.sizes() == expected.sizes(),
               name << ": resized to " << got.sizes() << ", golden " << expected.sizes());
    EXPECT_MSG(at::equal(got, expected), name << ": max diff " << maxAbsDiff(got, expected));
  }
}

TEST_CASE("scoring: PIL resize skips unchanged axes and handles upscaling") {
  const at::Tensor image = at::randint(0, 256, {5, 7, 3}, at::kByte);
  EXPECT(at::equal(ppd::pilResizeBicubic(image, 5, 7), image));
  // A constant image stays constant whatever the kernel (weights are normalised per output pixel).
  const at::Tensor flat = at::full({9, 4, 3}, 200, at::kByte);
  EXPECT(at::equal(ppd::pilResizeBicubic(flat, 3, 13), at::full({3, 13, 3}, 200, at::kByte)));
  EXPECT_THROWS_CODE(ppd::pilResizeBicubic(image.to(at::kFloat), 2, 2), ErrorCode::InvalidArg, "uint8");
  EXPECT_THROWS_CODE(ppd::pilResizeBicubic(image, 0, 2), ErrorCode::InvalidArg, "0x2");
}

TEST_CASE("scoring: CLIPImageProcessor pixel_values match the golden within 1e-4") {
  ppd::SafetensorsFile golden(scoringDir() + "/scoring_golden.safetensors");
  const auto processor = ppd::ClipImageProcessor::fromModelDir(scoringDir() + "/tiny-clip");
  std::vector<at::Tensor> images;
  for (const auto& name : kScoringImages) images.push_back(scoringImage(name));
  const at::Tensor batch = processor(images);
  EXPECT(batch.sizes() == at::IntArrayRef({6, 3, 32, 32}));
  double worst = 0;
  for (size_t i = 0; i < kScoringImages.size(); ++i)
    worst = std::max(worst, maxAbsDiff(batch[i].unsqueeze(0), golden.view(kScoringImages[i] + ".pixel_values")));
  EXPECT_MSG(worst <= 1e-4, "pixel_values max diff " << worst);
}

TEST_CASE("scoring: preprocessor configs in the current and the legacy layout") {
  const auto tiny = ppd::ClipImageProcessor::fromModelDir(scoringDir() + "/tiny-clip").config();
  EXPECT(tiny.shortestEdge == 32 && tiny.cropHeight == 32 && tiny.cropWidth == 32);
  EXPECT(std::abs(tiny.rescaleFactor - 1.0 / 255) < 1e-15);
  const std::string realDir = ppd::test::sharedDir() + "/spec/configs/clip-vit-l14";
  const auto real = ppd::ClipImageProcessor::fromModelDir(realDir).config();
  EXPECT(real.shortestEdge == 224 && real.cropHeight == 224 && real.cropWidth == 224);
  EXPECT(real.imageMean[0] == 0.48145466f && real.imageStd[2] == 0.27577711f);
  const auto defaults = ppd::ClipImageProcessor::fromModelDir("/nonexistent-folder").config();
  EXPECT(defaults.shortestEdge == 224 && defaults.cropWidth == 224 && defaults.imageMean[1] == 0.4578275f);

  const ppd::Json bilinear = {{"resample", 2}};
  EXPECT_THROWS_CODE(ppd::ClipImageProcessor::parseConfig(ppd::JsonView(bilinear, "pp.json")), ErrorCode::ModelLoad,
                     "pp.json");
  const ppd::Json fixed = {{"size", {{"height", 20}, {"width", 30}}}, {"crop_size", 16}};
  const auto c = ppd::ClipImageProcessor::parseConfig(ppd::JsonView(fixed, "pp.json"));
  EXPECT(c.resizeHeight == 20 && c.resizeWidth == 30 && c.cropHeight == 16 && c.cropWidth == 16);
}

TEST_CASE("scoring: RGB conversion replicates gray and drops alpha") {
  const at::Tensor gray = at::arange(6, at::kByte).view({2, 3, 1});
  const at::Tensor rgb = ppd::ClipImageProcessor::toRgb(gray);
  EXPECT(rgb.sizes() == at::IntArrayRef({2, 3, 3}));
  EXPECT(at::equal(rgb.select(2, 0), rgb.select(2, 2)) && at::equal(rgb.select(2, 1), gray.squeeze(2)));
  const at::Tensor rgba = at::randint(0, 256, {2, 2, 4}, at::kByte);
  EXPECT(at::equal(ppd::ClipImageProcessor::toRgb(rgba), rgba.narrow(2, 0, 3)));
  EXPECT_THROWS_CODE(ppd::ClipImageProcessor::toRgb(at::zeros({2, 2, 5}, at::kByte)), ErrorCode::InvalidArg,
                     "channels");
}

TEST_CASE("scoring: center crop pads an image smaller than the crop with zeros, like transformers") {
  ppd::ClipImageProcessor::Config config;
  config.cropHeight = 4;
  config.cropWidth = 3;
  const ppd::ClipImageProcessor processor(config);
  const at::Tensor image = at::arange(1, 1 + 2 * 6 * 3).to(at::kByte).view({2, 6, 3});
  const at::Tensor crop = processor.centerCrop(image);
  EXPECT(crop.sizes() == at::IntArrayRef({4, 3, 3}));
  // transformers: top = (2 - 4) // 2 = -1 → one zero row above, one below; left = (6 - 3) // 2 = 1.
  EXPECT(crop[0].sum().item<int64_t>() == 0 && crop[3].sum().item<int64_t>() == 0);
  EXPECT(at::equal(crop.narrow(0, 1, 2), image.narrow(1, 1, 3)));
}
