#pragma once
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/device/cuda_graph_mode.h"
#include "engine/device/device.h"

namespace ppd {

// One text-to-image call, batch 1. Token ids come from the TypeScript tokenizer (one [77] int64
// tensor per text encoder); the prompt-text rules (absent vs "") are applied there too.
struct GenerateRequest {
  std::vector<at::Tensor> promptIds;
  // Empty: unconditional embeddings are zeros (SDXL force_zeros_for_empty_prompt). Only read with CFG.
  std::vector<at::Tensor> negativeIds;
  uint64_t seed = 0;
  int64_t steps = 25;
  double guidance = 7.5;
  double guidanceRescale = 0.0;
  int64_t width = 512;
  int64_t height = 512;
  std::string schedulerClass;             // empty: the model's own scheduler
  nlohmann::json schedulerOverride = nlohmann::json::object();  // merged onto the model's config
  std::optional<at::Tensor> initLatents;  // raw N(0,1) [1,4,H/8,W/8], before init_noise_sigma
  std::map<int64_t, at::Tensor> stepNoise;  // ancestral noise per step index ("noise.{i}")
  bool decode = true;                     // false: stop after the last step (latents only)
  CudaGraphMode cudaGraphs = CudaGraphMode::Auto;  // capture/replay the denoising step (cuda_graph_mode.h)
};

struct StepEvent {
  int64_t index = 0;    // position in the timesteps list
  int64_t total = 0;    // length of the timesteps list (PNDM: steps + 1)
  double timestep = 0;
  double elapsedMs = 0; // since the start of generate
  double unetMs = 0;    // this step's UNet evaluation
  // On CUDA a step is reported once the device has finished it, while the next one is already
  // queued (the host runs one step ahead); on the CPU right after it.
};

using StepCallback = std::function<void(const StepEvent&)>;

struct GenerateTimings {
  double textEncodeMs = 0;
  std::vector<double> unetMs;  // one per UNet evaluation (with the guidance combine), in timesteps order
  // One per step: scale_model_input + UNet + guidance + scheduler update. Device time on CUDA (read
  // from events, device_clock.h), wall time on the CPU.
  std::vector<double> stepMs;
  double schedulerMs = 0;      // all scheduler work (set_timesteps, scale, step)
  double vaeDecodeMs = 0;
  // Warm-up + capture of the step's CUDA graph, when this call captured one (the first call per
  // size, batch and dtype). Its own stage: not in unetMs and not in totalMs.
  double graphCaptureMs = 0;
  double totalMs = 0;
};

// What the call did about CUDA graphs.
struct CudaGraphReport {
  std::string mode = "auto";  // as requested
  bool used = false;          // the steps were replayed from a captured graph
  std::string reason;         // why not, when not used
};

struct GenerateResult {
  at::Tensor image;    // uint8 [H, W, 3] RGB (undefined when decode == false)
  at::Tensor latents;  // final latents before any VAE scaling, [1,4,H/8,W/8] fp32
  GenerateTimings timings;
  MemoryStats memory;  // peak over the call (CUDA allocator, or process RSS on CPU)
  std::vector<double> timesteps;
  std::vector<std::string> ignoredSchedulerKeys;
  std::string schedulerClass;
  CudaGraphReport cudaGraphs;
  std::map<std::string, at::Tensor> captured;
};

}  // namespace ppd
