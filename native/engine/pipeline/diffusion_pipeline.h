#pragma once
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/core/cancel.h"
#include "engine/core/capture.h"
#include "engine/pipeline/generate_request.h"

namespace ppd {

struct PipelineOptions {
  std::string modelDir;
  at::Device device = at::Device(at::kCPU);
  at::ScalarType dtype = at::kFloat;
  std::string variant = "auto";  // "auto": fp16 files when running fp16/bf16 and present; "" plain; "fp16"
  CancelTokenPtr cancel;         // optional: cancelling it ends the load with ERR_CANCELLED
};

struct TextEncoding {
  at::Tensor promptEmbeds;   // [B, 77, D] what the UNet's cross-attention receives
  at::Tensor pooledEmbeds;   // SDXL: [B, 1280]; undefined otherwise
};

class PipelineComponents;
class CudaGraphStep;
class DenoiseStep;

// A loaded diffusers-format model folder: text encoder(s), UNet, VAE decoder, scheduler config.
// Calls are serialized by an internal mutex, so one pipeline can be shared by concurrent callers.
class DiffusionPipeline {
 public:
  static std::shared_ptr<DiffusionPipeline> load(const PipelineOptions& options);
  ~DiffusionPipeline();

  // family, features, components, load report, scheduler: see model_family.h and the loader.
  const nlohmann::json& info() const { return info_; }

  GenerateResult generate(const GenerateRequest& request, Capture& capture, const CancelToken& cancel,
                          const StepCallback& onStep);

  // Single stages, for tests and profiling (same code the loop uses).
  TextEncoding encodeText(const std::vector<at::Tensor>& ids, Capture& capture);
  at::Tensor runUnet(const at::Tensor& sample, const at::Tensor& timestep, const at::Tensor& encoderHiddenStates,
                     const at::Tensor& textEmbeds, const at::Tensor& timeIds);
  at::Tensor decodeLatents(const at::Tensor& vaeInput);

  // Frees the weights now (later calls fail with ERR_INVALID_ARG).
  void dispose();

 private:
  DiffusionPipeline() = default;
  PipelineComponents& components();
  // cudaGraphs: attach the cached (or to-be-captured) graph to the step, or record why not.
  void prepareStepGraph(DenoiseStep& step, const GenerateRequest& request, bool cfg, CudaGraphReport& report);
  void finishStepGraph(const DenoiseStep& step, const GenerateRequest& request, bool cfg, CudaGraphReport& report,
                       GenerateTimings& timings);
  std::mutex mutex_;
  std::unique_ptr<PipelineComponents> components_;
  // Captured denoising steps per (size, batch, dtype, guidance); see cuda_graph_step.h.
  std::map<std::string, std::unique_ptr<CudaGraphStep>> stepGraphs_;
  std::map<std::string, std::string> graphFallbacks_;  // key or "device" → reason, logged once when added
  nlohmann::json info_;
};

}  // namespace ppd
