#pragma once
#include <string>
#include <vector>

#include "engine/io/model_folder.h"

namespace ppd {

enum class ModelFamilyKind { Sd1, Sd2, Sdxl };
enum class PredictionType { Epsilon, VPrediction };

struct ModelFeatures {
  PredictionType prediction = PredictionType::Epsilon;  // scheduler_config prediction_type
  bool edmScheduler = false;      // EDM* scheduler class (Playground v2.5)
  bool latentsMeanStd = false;    // VAE latents_mean/latents_std (Playground v2.5)
  bool asymmetricUnet = false;    // up path is not the mirror of the down path (SSD-1B)
  bool dualTextEncoders = false;  // text_encoder + text_encoder_2 (SDXL family)
};

// What a pipeline folder holds, decided from its configs only (never from the folder name):
//   sdxl: UNet with addition_embed_type "text_time" and two text encoders;
//   sd1 / sd2: one text encoder, told apart by it: OpenAI CLIP-L (quick_gelu) is SD1, OpenCLIP-H
//   (gelu) is SD2. The UNet's cross_attention_dim must match the text encoder width(s).
// Weight shapes are not needed here: the loaders check every shape against the configs.
struct ModelFamily {
  ModelFamilyKind kind = ModelFamilyKind::Sd1;
  ModelFeatures features;
  std::vector<std::string> evidence;  // the config facts the decision rests on, for reports

  static ModelFamily detect(const ModelFolder& folder);
  std::string name() const;  // "sd1" | "sd2" | "sdxl"
};

const char* modelFamilyName(ModelFamilyKind kind);
const char* predictionTypeName(PredictionType prediction);  // diffusers' spelling

}  // namespace ppd
