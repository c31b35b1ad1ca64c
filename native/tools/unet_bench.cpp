// Times UNet2DConditionModel evaluations without Node: builds the UNet of a component folder
// (config.json + diffusion_pytorch_model*.safetensors, or random weights when the folder has no
// weights, e.g. the spec configs) and runs it on random inputs.
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/device/device.h"
#include "engine/device/runtime.h"
#include "engine/io/safetensors.h"
#include "engine/io/weight_loader.h"
#include "engine/io/weight_store.h"
#include "engine/models/unet/unet2d_condition_model.h"

namespace fs = std::filesystem;

namespace {

int usage() {
  std::cerr << "usage: unet-bench UNET_DIR [--width PX] [--height PX] [--batch N] [--iters N] [--threads N]\n"
               "                  [--device cpu|cuda] [--dtype fp32|fp16|bf16] [--save-random FILE]\n"
               "--iters 0 only loads (and reports the peak RSS against the weights' size);\n"
               "--save-random FILE writes random weights in --dtype to FILE and exits.\n"
               "UNET_DIR holds config.json and, optionally, diffusion_pytorch_model.safetensors;\n"
               "without weights the UNet gets random ones (written to a temporary file, then mapped).\n";
  return 2;
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Random weights with the shapes the config asks for: matrices/kernels N(0, 1/fan_in), norm scales 1,
// biases 0, so activations stay in a realistic range (no overflow, no denormals).
std::string writeRandomWeights(const ppd::UNetConfig& config, at::ScalarType dtype) {
  ppd::WeightLoader meta(nullptr, at::TensorOptions().dtype(at::kFloat), "unet");
  ppd::UNet2DConditionModel shapes(config, ppd::ParamScope(meta));
  std::map<std::string, at::Tensor> tensors;
  at::manual_seed(0);
  for (const auto& p : meta.specs()) {
    at::Tensor t;
    if (p.shape.size() >= 2) {
      int64_t fanIn = 1;
      for (size_t d = 1; d < p.shape.size(); ++d) fanIn *= p.shape[d];
      t = at::randn(p.shape) / std::sqrt(static_cast<double>(fanIn));
    } else {
      const bool scale = p.name.size() > 6 && p.name.substr(p.name.size() - 6) == "weight";
      t = scale ? at::ones(p.shape) : at::zeros(p.shape);
    }
    tensors[p.name] = t.to(dtype);
  }
  const auto path = (fs::temp_directory_path() / ("unet-bench-" + std::to_string(::getpid()) + ".safetensors")).string();
  ppd::saveSafetensors(path, tensors);
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::map<std::string, std::string> opt = {{"--width", "512"}, {"--height", "512"}, {"--batch", "2"},
                                            {"--iters", "3"},   {"--threads", "0"},  {"--device", "cpu"},
                                            {"--dtype", "fp32"}, {"--save-random", ""}};
  for (int i = 2; i < argc; i += 2) {
    if (!opt.count(argv[i]) || i + 1 >= argc) return usage();
    opt[argv[i]] = argv[i + 1];
  }
  try {
    const std::string dir = argv[1];
    ppd::configureRuntime();
    const int threads = std::stoi(opt["--threads"]);
    if (threads > 0) at::set_num_threads(threads);
    const auto device = ppd::parseDevice(opt["--device"]);
    const auto dtype = ppd::parseDtype(opt["--dtype"]);
    const int64_t batch = std::stoll(opt["--batch"]), width = std::stoll(opt["--width"]),
                  height = std::stoll(opt["--height"]);
    const int iters = std::stoi(opt["--iters"]);

    const ppd::Json json = ppd::readJsonFile(dir + "/config.json");
    const auto config = ppd::UNetConfig::fromJson(ppd::JsonView(json, dir + "/config.json"));

    if (!opt["--save-random"].empty()) {
      const auto written = writeRandomWeights(config, dtype);
      fs::rename(written, opt["--save-random"]);
      std::cout << "wrote " << opt["--save-random"] << " (" << fs::file_size(opt["--save-random"]) / 1e9 << " GB)\n";
      return 0;
    }
    auto start = std::chrono::steady_clock::now();
    const bool random = !fs::exists(dir + "/diffusion_pytorch_model.safetensors") &&
                        !fs::exists(dir + "/diffusion_pytorch_model.safetensors.index.json");
    const std::string randomFile = random ? writeRandomWeights(config, dtype) : "";
    const auto store = random ? ppd::WeightStore::openFile(randomFile)
                              : ppd::WeightStore::openComponent(dir, {"diffusion_pytorch_model"}, "");
    ppd::WeightLoader loader(&store, at::TensorOptions().dtype(dtype).device(device), "unet");
    loader.setTraceRoot("unet");
    const ppd::UNet2DConditionModel unet(config, ppd::ParamScope(loader));
    loader.finish();
    if (random) fs::remove(randomFile);  // the mapping stays valid until the weights are released
    int64_t weightBytes = 0;
    for (const auto& name : store.names()) {
      const auto& info = store.info(name);
      weightBytes += static_cast<int64_t>(info.end - info.begin);
    }
    std::cout << "peak RSS after load: " << ppd::peakRssBytes() / 1e9 << " GB; weights on disk: " << weightBytes / 1e9
              << " GB\n";
    if (std::stoi(opt["--iters"]) == 0) return 0;
    std::cout << "weights: " << (random ? "random" : store.files().front()) << ", " << loader.specs().size()
              << " tensors, ready in " << seconds(start) << " s\n";

    c10::InferenceMode inference;
    const auto options = at::TensorOptions().dtype(dtype).device(device);
    const auto sample = at::randn({batch, config.inChannels, height / 8, width / 8}, options);
    const auto context = at::randn({batch, 77, config.crossAttentionDim[0]}, options);
    const auto timestep = at::scalar_tensor(500.0, at::TensorOptions().device(device));
    ppd::AddedCondition added;
    if (config.additionEmbedType == "text_time") {
      const int64_t pooled = config.projectionClassEmbeddingsInputDim - 6 * config.additionTimeEmbedDim;
      added.textEmbeds = at::randn({batch, pooled}, options);
      // Made in double on the CPU, then moved: at::tensor has no CPU kernel for fp16/bf16.
      added.timeIds = at::tensor({double(height), double(width), 0.0, 0.0, double(height), double(width)}, at::kDouble)
                          .to(options)
                          .repeat({batch, 1});
    }

    std::cout << "sample [" << batch << ", " << config.inChannels << ", " << height / 8 << ", " << width / 8 << "] ("
              << width << "x" << height << " px), " << opt["--dtype"] << " on " << opt["--device"] << ", "
              << at::get_num_threads() << " threads\n";
    // Wall time, and the process's CPU time (all threads): on a shared machine the latter is the
    // steadier figure, though OpenMP's spin-waiting counts in it too.
    std::vector<double> wall, cpu;
    for (int i = 0; i <= iters; ++i) {
      start = std::chrono::steady_clock::now();
      const std::clock_t cpuStart = std::clock();
      const auto out = unet.forward(sample, timestep, context, config.additionEmbedType.empty() ? nullptr : &added);
      ppd::synchronizeDevice();
      wall.push_back(seconds(start));
      cpu.push_back(static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC);
      std::cout << (i == 0 ? "warm-up" : "run " + std::to_string(i)) << ": " << wall.back() * 1000 << " ms wall, "
                << cpu.back() * 1000 << " ms cpu"
                << (i == 0 ? " (output std " + std::to_string(out.std().item<double>()) + ")" : "") << "\n";
    }
    if (iters > 0) {
      auto summary = [](std::vector<double> t) {
        t.erase(t.begin());  // without the warm-up
        std::sort(t.begin(), t.end());
        return "median " + std::to_string(t[t.size() / 2] * 1000) + " ms, min " + std::to_string(t.front() * 1000) +
               " ms";
      };
      std::cout << "over " << iters << " runs: wall " << summary(wall) << "; cpu " << summary(cpu) << "\n";
    }
  } catch (...) {
    const auto e = ppd::classifyCurrentException();
    std::cerr << "unet-bench: [" << ppd::errorCodeName(e.code) << "] " << e.message << "\n";
    return 1;
  }
  return 0;
}
