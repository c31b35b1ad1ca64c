#include "engine/io/model_family.h"

#include "engine/core/error.h"

namespace ppd {
namespace {

std::string fact(const ConfigFile& file, const std::string& key, const Json& value) {
  return file.path + ": " + key + " = " + value.dump();
}

int64_t textEncoderWidth(const ConfigFile& te) { return te.view().get<int64_t>("hidden_size"); }

}  // namespace

const char* modelFamilyName(ModelFamilyKind kind) {
  switch (kind) {
    case ModelFamilyKind::Sd1: return "sd1";
    case ModelFamilyKind::Sd2: return "sd2";
    case ModelFamilyKind::Sdxl: return "sdxl";
  }
  return "sd1";
}

const char* predictionTypeName(PredictionType prediction) {
  return prediction == PredictionType::VPrediction ? "v_prediction" : "epsilon";
}

std::string ModelFamily::name() const { return modelFamilyName(kind); }

ModelFamily ModelFamily::detect(const ModelFolder& folder) {
  ModelFamily out;
  for (const char* required : {"unet", "vae", "text_encoder", "scheduler"})
    if (!folder.has(required))
      fail(ErrorCode::ModelLoad, folder.modelIndex().path + ": no component \"" + std::string(required) +
                                     "\" (SD1/SD2/SDXL pipelines need unet, vae, text_encoder and scheduler)");
  const ConfigFile unet = folder.config("unet");
  const ConfigFile te = folder.config("text_encoder");
  const JsonView unetView = unet.view();
  const int64_t crossDim = unetView.get<int64_t>("cross_attention_dim");
  const std::string additionEmbed = unetView.get<std::string>("addition_embed_type", "");
  out.features.dualTextEncoders = folder.has("text_encoder_2");

  if (additionEmbed == "text_time") {
    if (!out.features.dualTextEncoders)
      fail(ErrorCode::ModelLoad, unet.path + ": key \"addition_embed_type\" is \"text_time\" (SDXL) but " +
                                     folder.modelIndex().path +
                                     " has no text_encoder_2 (refiner-style models are not supported)");
    out.kind = ModelFamilyKind::Sdxl;
    out.evidence.push_back(fact(unet, "addition_embed_type", "text_time"));
    out.evidence.push_back(folder.modelIndex().path + ": text_encoder_2 = " +
                           folder.component("text_encoder_2").className);
    const ConfigFile te2 = folder.config("text_encoder_2");
    const int64_t width = textEncoderWidth(te) + textEncoderWidth(te2);
    if (crossDim != width)
      fail(ErrorCode::ModelLoad, unet.path + ": key \"cross_attention_dim\" is " + std::to_string(crossDim) +
                                     " but the two text encoders give " + std::to_string(width) + " (" + te.path +
                                     " + " + te2.path + " hidden_size)");
  } else {
    if (!additionEmbed.empty())
      fail(ErrorCode::ModelLoad, unet.path + ": key \"addition_embed_type\" has unsupported value \"" + additionEmbed +
                                     "\" (SD1/SD2 have none, SDXL has \"text_time\")");
    if (out.features.dualTextEncoders)
      fail(ErrorCode::ModelLoad, folder.modelIndex().path + ": text_encoder_2 is present but " + unet.path +
                                     " has no SDXL \"addition_embed_type\": \"text_time\"");
    const std::string act = te.view().get<std::string>("hidden_act", "quick_gelu");
    if (act == "quick_gelu") {
      out.kind = ModelFamilyKind::Sd1;
    } else if (act == "gelu") {
      out.kind = ModelFamilyKind::Sd2;
    } else {
      fail(ErrorCode::ModelLoad, te.path + ": key \"hidden_act\" is \"" + act +
                                     "\": neither OpenAI CLIP (quick_gelu, SD1) nor OpenCLIP (gelu, SD2)");
    }
    out.evidence.push_back(fact(te, "hidden_act", act) + (act == "gelu" ? " (OpenCLIP: SD2)" : " (OpenAI CLIP: SD1)"));
    if (crossDim != textEncoderWidth(te))
      fail(ErrorCode::ModelLoad, unet.path + ": key \"cross_attention_dim\" is " + std::to_string(crossDim) +
                                     " but " + te.path + " has hidden_size " + std::to_string(textEncoderWidth(te)));
  }

  const Json& reverse = unet.json.contains("reverse_transformer_layers_per_block")
                            ? unet.json.at("reverse_transformer_layers_per_block")
                            : Json();
  out.features.asymmetricUnet = !reverse.is_null();
  if (out.features.asymmetricUnet) out.evidence.push_back(fact(unet, "reverse_transformer_layers_per_block", reverse));

  const ConfigFile scheduler = folder.schedulerConfig();
  const std::string prediction = scheduler.view().get<std::string>("prediction_type", "epsilon");
  if (prediction == "v_prediction") {
    out.features.prediction = PredictionType::VPrediction;
  } else if (prediction != "epsilon") {
    fail(ErrorCode::ModelLoad, scheduler.path + ": key \"prediction_type\" has unsupported value \"" + prediction +
                                   "\" (epsilon or v_prediction)");
  }
  out.evidence.push_back(fact(scheduler, "prediction_type", prediction));
  // model_index.json decides which scheduler class diffusers instantiates.
  const std::string schedulerClass = folder.component("scheduler").className;
  out.features.edmScheduler = schedulerClass.rfind("EDM", 0) == 0;
  if (out.features.edmScheduler) out.evidence.push_back(folder.modelIndex().path + ": scheduler = " + schedulerClass);

  const ConfigFile vae = folder.config("vae");
  const JsonView vaeView = vae.view();
  out.features.latentsMeanStd = vaeView.has("latents_mean") && vaeView.has("latents_std");
  if (vaeView.has("latents_mean") != vaeView.has("latents_std"))
    fail(ErrorCode::ModelLoad, vae.path + ": key \"" + std::string(vaeView.has("latents_mean") ? "latents_std" : "latents_mean") +
                                   "\" is missing while its counterpart is set");
  if (out.features.latentsMeanStd) out.evidence.push_back(fact(vae, "latents_mean", vae.json.at("latents_mean")));
  return out;
}

}  // namespace ppd
