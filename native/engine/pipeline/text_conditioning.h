#pragma once
#include <ATen/ATen.h>

#include <vector>

#include "engine/core/capture.h"
#include "engine/pipeline/diffusion_pipeline.h"
#include "engine/pipeline/pipeline_components.h"

namespace ppd {

// diffusers' encode_prompt for one text (batch 1), given token ids per text encoder:
// SD 1/2: last_hidden_state of the one encoder; SDXL family: hidden_states[-2] of both encoders
// concatenated on the feature axis, pooled = text_encoder_2's text_embeds.
// Captures the per-encoder tensors under the golden names with `prefix` ("" or "negative_").
TextEncoding encodePromptIds(const PipelineComponents& c, const std::vector<at::Tensor>& ids, Capture& capture,
                             bool captureEncoders);

// SDXL-style `add_time_ids` = (original H, W, crop top, left, target H, W) for batch 1.
at::Tensor additionalTimeIds(int64_t height, int64_t width, at::ScalarType dtype, at::Device device);

}  // namespace ppd
