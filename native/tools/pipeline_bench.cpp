// Times whole text-to-image calls of the engine without Node: loads a diffusers folder, runs
// warm-up images, then timed ones, and prints (and writes as JSON) the load time, end-to-end and
// per-step latency, the stage times and the peak device memory. The side-by-side against diffusers
// (scripts/gpu/side_by_side.py, run by scripts/gpu-check.sh) calls it once per configuration.
//
// Token ids come from a JSON file, as the TypeScript tokenizer would give them:
//   {"prompt": [[77 ids], ...one list per text encoder], "negative": [[...], ...] or []}
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "engine/core/capture.h"
#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/device/device.h"
#include "engine/device/runtime.h"
#include "engine/pipeline/diffusion_pipeline.h"

namespace {

using Clock = std::chrono::steady_clock;

int usage() {
  std::cerr << "usage: pipeline-bench --model DIR --ids FILE.json [--device cuda|cpu] [--dtype fp16|bf16|fp32]\n"
               "                      [--width PX] [--height PX] [--steps N] [--guidance G] [--cuda-graphs auto|on|off]\n"
               "                      [--warmup N] [--images N] [--seed S] [--json FILE]\n";
  return 2;
}

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<at::Tensor> idsFrom(const nlohmann::json& lists) {
  std::vector<at::Tensor> out;
  for (const auto& list : lists) {
    const auto ids = list.get<std::vector<int64_t>>();
    out.push_back(at::tensor(ids, at::kLong).view({1, static_cast<int64_t>(ids.size())}));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt = {{"--model", ""},     {"--ids", ""},        {"--device", "cuda"},
                                            {"--dtype", "fp16"}, {"--width", "512"},   {"--height", "512"},
                                            {"--steps", "25"},   {"--guidance", "7.5"}, {"--cuda-graphs", "auto"},
                                            {"--warmup", "1"},   {"--images", "3"},    {"--seed", "0"},
                                            {"--json", ""}};
  for (int i = 1; i < argc; i += 2) {
    if (!opt.count(argv[i]) || i + 1 >= argc) return usage();
    opt[argv[i]] = argv[i + 1];
  }
  if (opt["--model"].empty() || opt["--ids"].empty()) return usage();
  try {
    ppd::configureRuntime();
    c10::InferenceMode inference;
    const ppd::Json ids = ppd::readJsonFile(opt["--ids"]);
    ppd::GenerateRequest request;
    request.promptIds = idsFrom(ids.at("prompt"));
    if (ids.contains("negative")) request.negativeIds = idsFrom(ids.at("negative"));
    request.width = std::stoll(opt["--width"]);
    request.height = std::stoll(opt["--height"]);
    request.steps = std::stoll(opt["--steps"]);
    request.guidance = std::stod(opt["--guidance"]);
    request.cudaGraphs = ppd::parseCudaGraphMode(opt["--cuda-graphs"]);
    request.seed = std::stoull(opt["--seed"]);

    ppd::PipelineOptions options;
    options.modelDir = opt["--model"];
    options.device = ppd::parseDevice(opt["--device"]);
    options.dtype = ppd::parseDtype(opt["--dtype"]);
    ppd::emptyDeviceCache();
    const auto loadStart = Clock::now();
    auto pipeline = ppd::DiffusionPipeline::load(options);
    const double loadMs = msSince(loadStart);
    const auto afterLoad = ppd::memoryStats(false);

    const int warmup = std::stoi(opt["--warmup"]), images = std::stoi(opt["--images"]);
    nlohmann::json runs = nlohmann::json::array();
    std::vector<double> totals, steps, unets;
    double captureMs = 0;
    ppd::CancelToken token;
    for (int i = 0; i < warmup + images; ++i) {
      ppd::Capture none;
      ppd::synchronizeDevice();
      const auto start = Clock::now();
      const ppd::GenerateResult r = pipeline->generate(request, none, token, nullptr);
      const double wallMs = msSince(start);  // the image is on the host when generate returns
      captureMs += r.timings.graphCaptureMs;
      const bool timed = i >= warmup;
      runs.push_back({{"warmup", !timed},
                      {"wallMs", wallMs},
                      {"totalMs", r.timings.totalMs},
                      {"textEncodeMs", r.timings.textEncodeMs},
                      {"schedulerMs", r.timings.schedulerMs},
                      {"vaeDecodeMs", r.timings.vaeDecodeMs},
                      {"graphCaptureMs", r.timings.graphCaptureMs},
                      {"stepMsMedian", median(r.timings.stepMs)},
                      {"unetMsMedian", median(r.timings.unetMs)},
                      {"peakAllocated", r.memory.peakAllocated},
                      {"peakReserved", r.memory.peakReserved},
                      {"cudaGraphs", r.cudaGraphs.used ? std::string("used") : "eager: " + r.cudaGraphs.reason}});
      if (!timed) continue;
      // End to end as a caller sees it, less a graph capture (its own stage, first call only).
      totals.push_back(wallMs - r.timings.graphCaptureMs);
      steps.insert(steps.end(), r.timings.stepMs.begin(), r.timings.stepMs.end());
      unets.insert(unets.end(), r.timings.unetMs.begin(), r.timings.unetMs.end());
    }
    const auto memory = ppd::memoryStats(false);
    const nlohmann::json out = {
        {"model", opt["--model"]},
        {"device", opt["--device"]},
        {"dtype", opt["--dtype"]},
        {"width", request.width},
        {"height", request.height},
        {"steps", request.steps},
        {"guidance", request.guidance},
        {"cudaGraphsMode", opt["--cuda-graphs"]},
        {"loadMs", loadMs},
        {"weightsBytesOnDevice", afterLoad.allocated},
        {"images", images},
        {"e2eMsMedian", median(totals)},
        {"stepMsMedian", median(steps)},
        {"unetMsMedian", median(unets)},
        {"graphCaptureMs", captureMs},
        {"peakAllocated", memory.peakAllocated},
        {"peakReserved", memory.peakReserved},
        {"info", pipeline->info()},
        {"runs", runs},
    };
    std::cout << "pipeline-bench " << opt["--model"] << " " << opt["--dtype"] << " " << request.width << "x"
              << request.height << " " << request.steps << " steps, graphs " << opt["--cuda-graphs"] << ": load "
              << loadMs << " ms, e2e median " << out["e2eMsMedian"].get<double>() << " ms, step median "
              << out["stepMsMedian"].get<double>() << " ms, peak " << memory.peakAllocated / 1e9 << " GB\n";
    if (!opt["--json"].empty()) std::ofstream(opt["--json"]) << out.dump(2) << "\n";
  } catch (...) {
    const auto e = ppd::classifyCurrentException();
    std::cerr << "pipeline-bench: [" << ppd::errorCodeName(e.code) << "] " << e.message << "\n";
    return 1;
  }
  return 0;
}
