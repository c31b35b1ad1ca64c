#include "engine/scoring/clip_image_processor.h"

#include <filesystem>

#include "engine/core/error.h"
#include "engine/io/model_path.h"
#include "engine/scoring/pil_resize.h"

namespace ppd {
namespace {

constexpr int kPilBicubic = 3;

[[noreturn]] void badConfig(const JsonView& json, const std::string& what) {
  fail(ErrorCode::ModelLoad, json.source() + ": " + what);
}

int64_t positiveInt(const JsonView& json, const Json& value, const std::string& key) {
  if (!value.is_number_integer() || value.get<int64_t>() <= 0)
    badConfig(json, "\"" + key + "\" must be a positive integer, got " + value.dump());
  return value.get<int64_t>();
}

std::array<float, 3> triple(const JsonView& json, const std::string& key, const std::array<float, 3>& fallback) {
  if (!json.has(key)) return fallback;
  const Json& v = json.raw().at(key);
  if (v.is_number()) return {v.get<float>(), v.get<float>(), v.get<float>()};
  if (!v.is_array() || v.size() != 3 || !v[0].is_number() || !v[1].is_number() || !v[2].is_number())
    badConfig(json, "\"" + key + "\" must be a number or 3 numbers, got " + v.dump());
  return {v[0].get<float>(), v[1].get<float>(), v[2].get<float>()};
}

// Python's floor division, for the crop offsets of an image smaller than the crop.
int64_t floorDiv2(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

}  // namespace

ClipImageProcessor ClipImageProcessor::fromModelDir(const std::string& dir) {
  const auto path = std::filesystem::path(dir) / "preprocessor_config.json";
  if (statModelPath(path.string()) == PathKind::Missing) return ClipImageProcessor();
  const Json json = readJsonFile(path.string());
  return ClipImageProcessor(parseConfig(JsonView(json, path.string())));
}

ClipImageProcessor::Config ClipImageProcessor::parseConfig(const JsonView& json) {
  Config c;
  c.doResize = json.get<bool>("do_resize", c.doResize);
  if (json.has("size")) {
    const Json& size = json.raw().at("size");
    if (size.is_object() && size.contains("shortest_edge")) {
      c.shortestEdge = positiveInt(json, size.at("shortest_edge"), "size.shortest_edge");
    } else if (size.is_object() && size.contains("height") && size.contains("width")) {
      c.resizeHeight = positiveInt(json, size.at("height"), "size.height");
      c.resizeWidth = positiveInt(json, size.at("width"), "size.width");
    } else {
      c.shortestEdge = positiveInt(json, size, "size");  // legacy CLIPFeatureExtractor: shortest edge
    }
  }
  c.doCenterCrop = json.get<bool>("do_center_crop", c.doCenterCrop);
  if (json.has("crop_size")) {
    const Json& crop = json.raw().at("crop_size");
    if (crop.is_object()) {
      if (!crop.contains("height") || !crop.contains("width")) badConfig(json, "\"crop_size\" needs height and width");
      c.cropHeight = positiveInt(json, crop.at("height"), "crop_size.height");
      c.cropWidth = positiveInt(json, crop.at("width"), "crop_size.width");
    } else {
      c.cropHeight = c.cropWidth = positiveInt(json, crop, "crop_size");
    }
  }
  if (json.get<int>("resample", kPilBicubic) != kPilBicubic)
    badConfig(json, "only \"resample\": 3 (PIL bicubic) is supported, got " + json.raw().at("resample").dump());
  c.doRescale = json.get<bool>("do_rescale", c.doRescale);
  c.rescaleFactor = json.get<double>("rescale_factor", c.rescaleFactor);
  c.doNormalize = json.get<bool>("do_normalize", c.doNormalize);
  c.imageMean = triple(json, "image_mean", c.imageMean);
  c.imageStd = triple(json, "image_std", c.imageStd);
  return c;
}

at::Tensor ClipImageProcessor::toRgb(const at::Tensor& image) {
  if (image.dim() != 3 || image.scalar_type() != at::kByte || image.device() != at::kCPU || image.size(0) == 0 ||
      image.size(1) == 0)
    fail(ErrorCode::InvalidArg, "expected a non-empty [height, width, channels] uint8 CPU image, got " +
                                    std::string(image.toString()) + " of shape " + c10::str(image.sizes()));
  switch (image.size(2)) {
    case 1:
    case 2: return image.narrow(2, 0, 1).expand({-1, -1, 3}).contiguous();
    case 3: return image;
    case 4: return image.narrow(2, 0, 3).contiguous();
    default:
      fail(ErrorCode::InvalidArg, "expected 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels, got an image of shape " +
                                      c10::str(image.sizes()));
  }
}

at::Tensor ClipImageProcessor::resize(const at::Tensor& rgb) const {
  if (!config_.doResize) return rgb;
  if (config_.resizeHeight > 0) return pilResizeBicubic(rgb, config_.resizeHeight, config_.resizeWidth);
  const int64_t height = rgb.size(0), width = rgb.size(1);
  const int64_t shortSide = std::min(height, width), longSide = std::max(height, width);
  // int(size * long / short): true division then truncation, as transformers computes it.
  const auto newLong = int64_t(double(config_.shortestEdge * longSide) / double(shortSide));
  return width <= height ? pilResizeBicubic(rgb, newLong, config_.shortestEdge)
                         : pilResizeBicubic(rgb, config_.shortestEdge, newLong);
}

at::Tensor ClipImageProcessor::centerCrop(const at::Tensor& rgb) const {
  if (!config_.doCenterCrop) return rgb;
  const int64_t height = rgb.size(0), width = rgb.size(1);
  const int64_t top = floorDiv2(height - config_.cropHeight), left = floorDiv2(width - config_.cropWidth);
  if (top >= 0 && left >= 0 && top + config_.cropHeight <= height && left + config_.cropWidth <= width)
    return rgb.narrow(0, top, config_.cropHeight).narrow(1, left, config_.cropWidth);
  // Smaller than the crop: the crop window (same offsets) over a zero-padded image.
  at::Tensor out = at::zeros({config_.cropHeight, config_.cropWidth, rgb.size(2)}, rgb.options());
  const int64_t y0 = std::max<int64_t>(top, 0), y1 = std::min(top + config_.cropHeight, height);
  const int64_t x0 = std::max<int64_t>(left, 0), x1 = std::min(left + config_.cropWidth, width);
  out.narrow(0, y0 - top, y1 - y0)
      .narrow(1, x0 - left, x1 - x0)
      .copy_(rgb.narrow(0, y0, y1 - y0).narrow(1, x0, x1 - x0));
  return out;
}

at::Tensor ClipImageProcessor::normalize(const at::Tensor& rgb) const {
  const at::Tensor in = rgb.contiguous();
  const int64_t height = in.size(0), width = in.size(1);
  at::Tensor out = at::empty({3, height, width}, at::kFloat);
  const uint8_t* src = in.data_ptr<uint8_t>();
  float* dst = out.data_ptr<float>();
  // Scalar on purpose: the exact float64 rescale then float32 subtract/divide sequence of numpy.
  for (int64_t c = 0; c < 3; ++c) {
    for (int64_t i = 0; i < height * width; ++i) {
      float v = config_.doRescale ? float(double(src[i * 3 + c]) * config_.rescaleFactor) : float(src[i * 3 + c]);
      if (config_.doNormalize) v = (v - config_.imageMean[c]) / config_.imageStd[c];
      dst[c * height * width + i] = v;
    }
  }
  return out;
}

at::Tensor ClipImageProcessor::operator()(const std::vector<at::Tensor>& images) const {
  if (images.empty()) fail(ErrorCode::InvalidArg, "no images to preprocess");
  std::vector<at::Tensor> pixels;
  pixels.reserve(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    try {
      pixels.push_back(normalize(centerCrop(resize(toRgb(images[i])))));
    } catch (const EngineError& e) {
      fail(e.code(), "image " + std::to_string(i) + ": " + e.what());
    }
  }
  return at::stack(pixels);
}

}  // namespace ppd
