#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/json_file.h"
#include "engine/schedulers/scheduler_config.h"
#include "engine/schedulers/step_noise.h"

namespace ppd {

// A diffusers (v0.30.3) noise scheduler, reproducing its arithmetic: the timestep and sigma tables
// in float64 where diffusers uses numpy, the step coefficients as 0-dim float32 tensors through
// the same ATen kernels as diffusers' torch code, and the same dtype handling of the sample (e.g.
// Euler and DPMSolver upcast it to float32 and cast the result back to the model output's dtype).
//
// Steps are addressed by their index into timesteps() rather than by timestep value as in
// diffusers: PNDM repeats a timestep value, so only the index is unambiguous. As with diffusers'
// internal step counter, after setTimesteps() the first step() may start at any index (diffusers'
// begin_index, used by img2img) and every later call must take the next one.
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Builds the timestep (and sigma) tables for `steps` inference steps and resets solver state.
  void setTimesteps(int64_t steps);
  int64_t numInferenceSteps() const { return numInferenceSteps_; }

  // diffusers' `timesteps` on CPU: int64 (PNDM, DDIM, DPMSolver, LCM) or float32 (Euler,
  // EulerAncestral, EDM), one entry per step() call. PNDM with skip_prk_steps has steps+1 entries.
  const at::Tensor& timesteps() const;
  std::vector<double> timestepValues() const;
  double timestepValue(int64_t stepIndex) const;
  int64_t stepCount() const { return timesteps().size(0); }

  // diffusers' `sigmas` (float32, one more than the steps, ending in the final sigma) for the
  // k-diffusion style schedulers; nullopt for the alpha-based ones.
  virtual std::optional<at::Tensor> sigmas() const { return std::nullopt; }
  // The standard deviation of the initial noise: latents = randn * initNoiseSigma().
  virtual double initNoiseSigma() const = 0;

  at::Tensor scaleModelInput(const at::Tensor& sample, int64_t stepIndex) const;
  at::Tensor step(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                  const StepNoise& noise = {});

  // diffusers' `order` class attribute (model evaluations per step()): 1 for every class here.
  int64_t order() const { return 1; }
  // Whether step() may consume noise (LCM consumes none on its final step).
  virtual bool needsNoise() const { return false; }

  const std::string& className() const { return config_.className(); }
  // The config after merging and defaults, as diffusers' `scheduler.config` (without `_` keys).
  const Json& resolvedConfig() const { return config_.json(); }

 protected:
  explicit Scheduler(SchedulerConfig config) : config_(std::move(config)) {}
  const SchedulerConfig& config() const { return config_; }

  // Returns the new timesteps and resets the class's own tables and state.
  virtual at::Tensor computeTimesteps(int64_t steps) = 0;
  virtual at::Tensor scaleImpl(const at::Tensor& sample, int64_t /*stepIndex*/) const { return sample; }
  virtual at::Tensor stepImpl(const at::Tensor& modelOutput, int64_t stepIndex, const at::Tensor& sample,
                              const StepNoise& noise) = 0;

  [[noreturn]] void invalidSteps(int64_t steps, const std::string& why) const;

 private:
  void checkStepIndex(int64_t stepIndex) const;

  SchedulerConfig config_;
  at::Tensor timesteps_;
  int64_t numInferenceSteps_ = 0;
  int64_t nextStep_ = -1;  // -1: the next step() may start anywhere
};

}  // namespace ppd
