#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ppd {

class SchedulerConfig;

// Math shared by several diffusers schedulers, evaluated with diffusers' own precision choices:
// torch float32 where diffusers uses torch, float64 where it uses numpy.

// The training noise schedule of the discrete-time schedulers, in float32: betas from
// `trained_betas` or `beta_schedule` (linear, scaled_linear, squaredcos_cap_v2), rescaled to zero
// terminal SNR when asked, then alphas_cumprod = cumprod(1 - betas).
at::Tensor trainAlphasCumprod(const SchedulerConfig& cfg, bool rescaleZeroTerminalSnr);

// sqrt((1 - alphas_cumprod) / alphas_cumprod) in float32: the k-diffusion sigma of each training
// timestep, ascending with t.
at::Tensor trainSigmas(const at::Tensor& alphasCumprod);

// Karras et al. (2022) sigmas: (max^(1/rho) + ramp*(min^(1/rho) - max^(1/rho)))^rho over
// ramp = linspace(0, 1, n), in float64 as diffusers' numpy `_convert_to_karras`.
std::vector<double> karrasSigmas(double sigmaMin, double sigmaMax, int64_t n, double rho);

// diffusers' `_sigma_to_t`: the fractional training timestep whose log-sigma (linearly
// interpolated between neighbours of the float32 table `logSigmas`) equals log(sigma).
// diffusers takes that table from numpy's float32 log, whose SIMD implementation differs from
// both libm and ATen in the last bit for some inputs; callers pass ATen's, which moves the
// fractional timesteps by ~1e-7 relative at most.
double sigmaToT(double sigma, const std::vector<float>& logSigmas);

// diffusers' `timestep_spacing` rules (Lin et al. 2023, table 2) as PNDM, DDIM, Euler and
// EulerAncestral implement them: `steps` timesteps, descending, in float64 before each class's
// cast. "linspace" is rounded to integers only when `roundLinspace` (the alpha-based schedulers
// index alphas_cumprod with it; the Euler ones interpolate sigmas at the fractional values).
std::vector<double> spacedTimesteps(const SchedulerConfig& cfg, int64_t steps, bool roundLinspace);

// The EDM schedulers' sigma schedule: "karras" over ramp = linspace(0, 1, steps), or
// "exponential" = exp(linspace(log(min), log(max), steps)) reversed; float32 (torch) like diffusers.
struct EdmSigmaSchedule {
  bool karras;
  double sigmaMin;
  double sigmaMax;
  double rho;
};
EdmSigmaSchedule edmSigmaSchedule(const SchedulerConfig& cfg);
at::Tensor edmSigmas(const EdmSigmaSchedule& schedule, int64_t steps);
// EDM preconditioning (Karras et al. 2022, table 1) with diffusers' 0-dim float32 arithmetic:
// c_in * sample, and c_skip * sample + c_out * model_output (c_out negated for v_prediction).
at::Tensor edmPreconditionInputs(const at::Tensor& sample, const at::Tensor& sigma, double sigmaData);
at::Tensor edmPreconditionOutputs(const at::Tensor& sample, const at::Tensor& modelOutput, const at::Tensor& sigma,
                                  double sigmaData, bool vPrediction);

// The sigma-space (variance-exploding) parametrisation of EulerDiscrete and EulerAncestral, in
// float32 0-dim tensor arithmetic as diffusers: init_noise_sigma is max(sigmas), or
// sqrt(max² + 1) with "leading" spacing; the model input is sample / sqrt(sigma² + 1); x0 is
// predicted from an "epsilon", "v_prediction" or "sample" model output.
double sigmaInitNoiseSigma(const at::Tensor& sigmas, const std::string& spacing);
at::Tensor sigmaScaleModelInput(const at::Tensor& sample, const at::Tensor& sigma);
at::Tensor sigmaPredictX0(const at::Tensor& modelOutput, const at::Tensor& sample, const at::Tensor& sigma,
                          const std::string& predictionType);

// Dynamic thresholding (Imagen): per sample, s = clamp(quantile(|x|, ratio), 1, maxValue), then
// clamp(x, -s, s) / s; computed in float32 at least, returned in the input dtype.
at::Tensor thresholdSample(const at::Tensor& sample, double ratio, double maxValue);

// The x0 post-processing of DDIM and LCM (identical in diffusers): thresholdSample with the config's
// dynamic_thresholding_ratio / sample_max_value when `thresholding`, else a clamp to
// ±clip_sample_range when `clip_sample`, else x0 unchanged.
at::Tensor thresholdOrClipSample(const SchedulerConfig& cfg, const at::Tensor& predX0);

}  // namespace ppd
