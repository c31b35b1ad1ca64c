#include "engine/pipeline/diffusion_pipeline.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cstdio>
#include <deque>

#include "engine/core/error.h"
#include "engine/device/cuda_graph_step.h"
#include "engine/device/device_clock.h"
#include "engine/device/host_transfer.h"
#include "engine/device/stopwatch.h"
#include "engine/pipeline/denoise_step.h"
#include "engine/pipeline/guidance.h"
#include "engine/pipeline/image_output.h"
#include "engine/pipeline/latent_decoding.h"
#include "engine/pipeline/pipeline_components.h"
#include "engine/pipeline/text_conditioning.h"
#include "engine/profiling/trace_scope.h"
#include "engine/schedulers/scheduler_factory.h"

namespace ppd {
namespace {

// Profiler scopes of the denoising loop's non-model work (engine/profiling/trace_scope.h); the
// guidance combine has its own in DenoiseStep.
const std::string kScaleModelInputScope = "scheduler.scale_model_input";
const std::string kStepScope = "scheduler.step";

void checkSize(const char* what, int64_t value, int64_t multiple) {
  if (value <= 0 || value % multiple != 0)
    fail(ErrorCode::InvalidArg, std::string("Expected ") + what + " to be a positive multiple of " + std::to_string(multiple) +
                                    " (the VAE's downscale factor; multiples of 64 are recommended) but received " +
                                    std::to_string(value));
}

nlohmann::json describe(const PipelineComponents& c, const PipelineOptions& options, double loadMs) {
  const auto& f = c.family.features;
  const auto unetConfig = c.folder.config("unet").json;
  return {
      {"modelDir", c.folder.dir()},
      {"pipelineClass", c.folder.pipelineClass()},
      {"family", c.family.name()},
      {"features",
       {{"prediction", predictionTypeName(f.prediction)},
        {"edmScheduler", f.edmScheduler},
        {"latentsMeanStd", f.latentsMeanStd},
        {"asymmetricUnet", f.asymmetricUnet},
        {"dualTextEncoders", f.dualTextEncoders}}},
      {"evidence", c.family.evidence},
      {"textEncoders", c.textEncoders.size()},
      {"forceZerosForEmptyPrompt", c.forceZerosForEmptyPrompt},
      {"defaultSize", unetConfig.value("sample_size", 64) * c.vaeScaleFactor},
      {"vaeScaleFactor", c.vaeScaleFactor},
      {"device", options.device.str()},
      {"dtype", dtypeName(options.dtype)},
      {"vaeDtype", dtypeName(c.vaeDtype)},
      {"scheduler", {{"className", c.schedulerConfig.value("_class_name", "")}, {"config", c.schedulerConfig}}},
      {"components", c.loadReport},
      {"loadMs", loadMs},
  };
}

#ifdef PPBENCH_WITH_CUDA
constexpr bool kCudaBuild = true;
#else
constexpr bool kCudaBuild = false;
#endif

// A captured step is valid for one input geometry and the scalars baked into it.
std::string stepGraphKey(const GenerateRequest& r, bool cfg, at::ScalarType dtype) {
  return std::to_string(r.width) + "x" + std::to_string(r.height) + "/b" + (cfg ? "2" : "1") + "/" + dtypeName(dtype) +
         "/g" + std::to_string(r.guidance) + "/r" + std::to_string(r.guidanceRescale);
}

StepNoise noiseFor(const GenerateRequest& request, int64_t step, const at::Generator& generator) {
  auto given = request.stepNoise.find(step);
  return given != request.stepNoise.end() ? StepNoise::given(given->second) : StepNoise::fromGenerator(generator);
}

}  // namespace

std::shared_ptr<DiffusionPipeline> DiffusionPipeline::load(const PipelineOptions& options) {
  Stopwatch watch;
  std::shared_ptr<DiffusionPipeline> p(new DiffusionPipeline());
  p->components_ = PipelineComponents::load(options.modelDir, options.device, options.dtype, options.variant,
                                            options.cancel.get());
  p->info_ = describe(*p->components_, options, watch.elapsedMs());
  return p;
}

DiffusionPipeline::~DiffusionPipeline() = default;

void DiffusionPipeline::prepareStepGraph(DenoiseStep& step, const GenerateRequest& request, bool cfg,
                                         CudaGraphReport& report) {
  auto& c = components();
  report.mode = cudaGraphModeName(request.cudaGraphs);
  const auto decision = decideCudaGraphs(request.cudaGraphs, c.device, kCudaBuild);
  std::string key = "device";
  if (decision.capture) {
    key = stepGraphKey(request, cfg, c.dtype);
    auto failed = graphFallbacks_.find(key);
    if (failed == graphFallbacks_.end()) {
      step.useGraph(&stepGraphs_[key], /*tryCapture=*/true);
      return;
    }
    report.reason = failed->second;
    return;
  }
  report.reason = decision.reason;
  // 'on' that cannot be honoured is logged (once per pipeline); 'auto' off CUDA and 'off' are quiet.
  if (request.cudaGraphs == CudaGraphMode::On && graphFallbacks_.emplace(key, decision.reason).second)
    std::fprintf(stderr, "ppdiffusion: cudaGraphs on: %s\n", decision.reason.c_str());
}

void DiffusionPipeline::finishStepGraph(const DenoiseStep& step, const GenerateRequest& request, bool cfg,
                                        CudaGraphReport& report, GenerateTimings& timings) {
  timings.graphCaptureMs = step.captureMs();
  report.used = step.graphUsed();
  if (step.captureFailure().empty()) return;
  report.reason = step.captureFailure();
  const auto key = stepGraphKey(request, cfg, components().dtype);
  stepGraphs_.erase(key);
  if (graphFallbacks_.emplace(key, report.reason).second)
    std::fprintf(stderr, "ppdiffusion: cudaGraphs (%s): %s\n", key.c_str(), report.reason.c_str());
}

PipelineComponents& DiffusionPipeline::components() {
  if (!components_) fail(ErrorCode::InvalidArg, "this pipeline was disposed");
  return *components_;
}

void DiffusionPipeline::dispose() {
  std::lock_guard<std::mutex> lock(mutex_);
  stepGraphs_.clear();
  components_.reset();
}

TextEncoding DiffusionPipeline::encodeText(const std::vector<at::Tensor>& ids, Capture& capture) {
  std::lock_guard<std::mutex> lock(mutex_);
  return encodePromptIds(components(), ids, capture, true);
}

at::Tensor DiffusionPipeline::runUnet(const at::Tensor& sample, const at::Tensor& timestep,
                                      const at::Tensor& encoderHiddenStates, const at::Tensor& textEmbeds,
                                      const at::Tensor& timeIds) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& c = components();
  const auto to = [&](const at::Tensor& t) { return t.to(c.device, c.dtype); };
  AddedCondition added;
  if (textEmbeds.defined()) added = {to(textEmbeds), to(timeIds)};
  return c.unet->forward(to(sample), timestep.to(c.device), to(encoderHiddenStates), textEmbeds.defined() ? &added : nullptr)
      .to(at::kCPU, at::kFloat);
}

at::Tensor DiffusionPipeline::decodeLatents(const at::Tensor& vaeInput) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& c = components();
  return c.vae.decode(vaeInput.to(c.device, c.vaeDtype)).to(at::kCPU, at::kFloat);
}

GenerateResult DiffusionPipeline::generate(const GenerateRequest& request, Capture& capture, const CancelToken& cancel,
                                           const StepCallback& onStep) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& c = components();
  checkSize("width", request.width, c.vaeScaleFactor);
  checkSize("height", request.height, c.vaeScaleFactor);
  memoryStats(/*resetPeak=*/true);
  GenerateResult result;
  // Stage times are read from device marks (device_clock.h): on CUDA no stage waits for the device,
  // the host queues work ahead and the times are device time; on the CPU they are the clock.
  Stopwatch total;
  DeviceClock clock(c.device);
  const auto started = clock.mark();
  cancel.throwIfCancelled("before text encoding");

  // Text conditioning: batch [uncond, cond] under classifier-free guidance.
  const bool cfg = usesClassifierFreeGuidance(request.guidance);
  TextEncoding cond = encodePromptIds(c, request.promptIds, capture, true);
  capture.put("prompt_embeds", cond.promptEmbeds);
  if (cond.pooledEmbeds.defined()) capture.put("pooled_prompt_embeds", cond.pooledEmbeds);
  TextEncoding uncond;
  if (cfg) {
    if (!request.negativeIds.empty()) {
      Capture none;
      uncond = encodePromptIds(c, request.negativeIds, none, false);
    } else if (c.sdxl() && c.forceZerosForEmptyPrompt) {
      uncond = {at::zeros_like(cond.promptEmbeds), at::zeros_like(cond.pooledEmbeds)};
    } else {
      fail(ErrorCode::InvalidArg, "Expected negativeIds (tokens of the negative prompt, \"\" when none) for guidance " +
                                      std::to_string(request.guidance));
    }
    capture.put("negative_prompt_embeds", uncond.promptEmbeds);
    if (uncond.pooledEmbeds.defined()) capture.put("negative_pooled_prompt_embeds", uncond.pooledEmbeds);
  }
  const at::Tensor encoderHiddenStates = cfg ? at::cat({uncond.promptEmbeds, cond.promptEmbeds}) : cond.promptEmbeds;
  capture.put("encoder_hidden_states", encoderHiddenStates);
  AddedCondition added;
  if (c.sdxl()) {
    const auto timeIds = additionalTimeIds(request.height, request.width, c.dtype, c.device);
    capture.put("add_time_ids", timeIds);
    added.textEmbeds = cfg ? at::cat({uncond.pooledEmbeds, cond.pooledEmbeds}) : cond.pooledEmbeds;
    added.timeIds = cfg ? at::cat({timeIds, timeIds}) : timeIds;
    capture.put("added_cond.text_embeds", added.textEmbeds);
    capture.put("added_cond.time_ids", added.timeIds);
  }
  const auto encoded = clock.mark();

  // Scheduler and initial noise (a per-call CPU generator: the same stream as PyTorch's).
  const std::string schedulerClass =
      request.schedulerClass.empty() ? c.schedulerConfig.value("_class_name", "") : request.schedulerClass;
  auto scheduler = createScheduler(schedulerClass, c.schedulerConfig, request.schedulerOverride, &result.ignoredSchedulerKeys);
  scheduler->setTimesteps(request.steps);
  result.schedulerClass = scheduler->className();
  result.timesteps = scheduler->timestepValues();
  capture.put("timesteps", scheduler->timesteps());
  if (auto sigmas = scheduler->sigmas()) capture.put("sigmas", *sigmas);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(request.seed);
  const std::vector<int64_t> shape = {1, c.unet->config().inChannels, request.height / c.vaeScaleFactor,
                                      request.width / c.vaeScaleFactor};
  at::Tensor noise;
  if (request.initLatents) {
    noise = *request.initLatents;
    if (noise.sizes().vec() != shape)
      fail(ErrorCode::InvalidArg, "Expected initLatents of shape [" + std::to_string(shape[0]) + "," + std::to_string(shape[1]) +
                                      "," + std::to_string(shape[2]) + "," + std::to_string(shape[3]) + "] for " +
                                      std::to_string(request.width) + "x" + std::to_string(request.height));
  } else {
    noise = at::randn(shape, generator, at::TensorOptions().dtype(at::kFloat));
    capture.put("randn_torch_cpu_generator", noise);
  }
  capture.put("latents_init", noise);  // the golden name of the raw draw, before init_noise_sigma
  at::Tensor latents = toDevice(noise * scheduler->initNoiseSigma(), c.device, c.dtype);
  // Every step's timestep on the device in one copy, rather than one blocking copy per step.
  const at::Tensor deviceTimesteps = toDevice(scheduler->timesteps(), c.device);
  const auto scheduled = clock.mark();
  double schedulerMs = 0;

  // Denoising loop: one UNet evaluation per entry of the timesteps list (PNDM: steps + 1).
  // The UNet + guidance of a step, eager or replayed from a CUDA graph (cudaGraphs).
  DenoiseStep denoise(*c.unet, encoderHiddenStates, c.sdxl() ? &added : nullptr, cfg, request.guidance,
                      request.guidanceRescale);
  prepareStepGraph(denoise, request, cfg, result.cudaGraphs);
  const int64_t count = scheduler->stepCount();
  // Marks of a queued step: start, input scaled, UNet start, UNet end, end. A graph capture runs
  // between "scaled" and "UNet start" and is counted in neither the step nor the scheduler.
  struct QueuedStep {
    int64_t index;
    DeviceClock::Mark start, scaled, unetStart, unetEnd, end;
  };
  std::deque<QueuedStep> queued;
  // Reports the oldest queued step once the device has finished it. On CUDA the host stays one step
  // ahead (the next step is queued while this one runs), so the device never idles waiting for the
  // host; a cancel seen in step k's callback therefore ends the call before step k + 2.
  const auto reportOldest = [&] {
    const QueuedStep s = queued.front();
    queued.pop_front();
    const double unetMs = clock.ms(s.unetStart, s.unetEnd);
    result.timings.unetMs.push_back(unetMs);
    const double scaleMs = clock.ms(s.start, s.scaled);
    result.timings.stepMs.push_back(scaleMs + clock.ms(s.unetStart, s.end));
    schedulerMs += scaleMs + clock.ms(s.unetEnd, s.end);
    if (onStep) onStep({s.index, count, scheduler->timestepValue(s.index), total.elapsedMs(/*sync=*/false), unetMs});
  };
  const size_t aheadSteps = clock.asynchronous() ? 1 : 0;
  for (int64_t i = 0; i < count; ++i) {
    cancel.throwIfCancelled(("before UNet evaluation " + std::to_string(i + 1) + " of " + std::to_string(count)).c_str());
    const at::Tensor t = deviceTimesteps[i];
    const auto start = clock.mark();
    at::Tensor input;
    {
      PPD_TRACE_SCOPE(kScaleModelInputScope);
      input = scheduler->scaleModelInput(cfg ? at::cat({latents, latents}) : latents, i);
    }
    const auto scaled = clock.mark();
    // Warm-up and capture of the step's graph are their own stage (timings.graphCaptureMs), outside
    // this step's timings.
    denoise.prepare(input, t);
    const auto unetStart = clock.mark();
    auto [unetOut, noisePred] = denoise.run(input, t);
    const auto unetEnd = clock.mark();
    if (i == 0) {
      capture.put("step0.latent_model_input", input);
      capture.put("step0.timestep", scheduler->timesteps()[i].reshape({1}));
      capture.put("step0.unet_output", unetOut);
      capture.put("step0.noise_pred", noisePred);
    }
    {
      PPD_TRACE_SCOPE(kStepScope);
      latents = scheduler->step(noisePred, i, latents, noiseFor(request, i, generator));
    }
    capture.put("latents.step" + std::to_string(i), latents);
    queued.push_back({i, start, scaled, unetStart, unetEnd, clock.mark()});
    while (queued.size() > aheadSteps) reportOldest();
  }
  while (!queued.empty()) reportOldest();
  finishStepGraph(denoise, request, cfg, result.cudaGraphs, result.timings);
  capture.put("latents_final", latents);
  const auto denoised = clock.mark();

  if (request.decode) {
    // The backend may preempt us here: dropping the image before the (long) decode is allowed.
    cancel.throwIfCancelled("before VAE decode");
    const at::Tensor vaeInput = vaeInputFromLatents(latents, c.vae.config()).to(c.vaeDtype);
    capture.put("vae_input", vaeInput);
    const at::Tensor decoded = c.vae.decode(vaeInput);
    capture.put("image_decoded", decoded);
    const at::Tensor imageFloat = imageToFloat(decoded);
    capture.put("image_float", imageFloat);
    result.image = floatImageToUint8(imageFloat);
    capture.put("image_uint8", result.image.unsqueeze(0));
    result.timings.vaeDecodeMs = clock.ms(denoised, clock.mark());
  }
  result.latents = toHost(latents.to(at::kFloat));  // after the decode: no wait between the two
  result.timings.textEncodeMs = clock.ms(started, encoded);
  result.timings.schedulerMs = clock.ms(encoded, scheduled) + schedulerMs;
  result.timings.totalMs = total.elapsedMs() - result.timings.graphCaptureMs;
  result.memory = memoryStats(false);
  result.captured = capture.take();
  return result;
}

}  // namespace ppd
