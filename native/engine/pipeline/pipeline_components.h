#pragma once
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "engine/core/cancel.h"
#include "engine/io/model_family.h"
#include "engine/io/model_folder.h"
#include "engine/models/autoencoder_kl_decoder.h"
#include "engine/models/clip_text_model.h"
#include "engine/models/unet/unet2d_condition_model.h"

namespace ppd {

// The networks of one model folder, loaded for one device and dtype.
struct PipelineComponents {
  ModelFolder folder;
  ModelFamily family;
  std::vector<ClipTextModel> textEncoders;
  std::unique_ptr<UNet2DConditionModel> unet;
  AutoencoderKLDecoder vae;
  Json schedulerConfig;
  at::Device device = at::Device(at::kCPU);
  at::ScalarType dtype = at::kFloat;
  at::ScalarType vaeDtype = at::kFloat;  // fp32 when force_upcast and running fp16
  bool forceZerosForEmptyPrompt = true;
  int64_t vaeScaleFactor = 8;
  nlohmann::json loadReport = nlohmann::json::object();

  // `variant`: "auto" (fp16 files when running fp16/bf16), "" (plain files) or a variant name.
  // `cancel` (optional) is polled between components and before each weight: once cancelled the
  // load ends with ERR_CANCELLED and frees what it had loaded.
  static std::unique_ptr<PipelineComponents> load(const std::string& modelDir, at::Device device,
                                                  at::ScalarType dtype, const std::string& variant,
                                                  const CancelToken* cancel = nullptr);
  bool sdxl() const { return family.kind == ModelFamilyKind::Sdxl; }
};

}  // namespace ppd
