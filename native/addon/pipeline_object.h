#pragma once
#include <napi.h>

#include <memory>

#include "engine/pipeline/diffusion_pipeline.h"

namespace ppd::addon {

// JS face of a loaded DiffusionPipeline. Every method that touches tensors runs on a worker and
// returns a Promise; the engine serializes concurrent calls on one pipeline.
class PipelineObject : public Napi::ObjectWrap<PipelineObject> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit PipelineObject(const Napi::CallbackInfo& info);
  static Napi::Object wrap(Napi::Env env, std::shared_ptr<DiffusionPipeline> pipeline);

 private:
  Napi::Value info(const Napi::CallbackInfo& info);
  Napi::Value generate(const Napi::CallbackInfo& info);
  Napi::Value profile(const Napi::CallbackInfo& info);
  Napi::Value encodeText(const Napi::CallbackInfo& info);
  Napi::Value runUnet(const Napi::CallbackInfo& info);
  Napi::Value decodeLatents(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);
  std::shared_ptr<DiffusionPipeline> pipeline(Napi::Env env) const;

  std::shared_ptr<DiffusionPipeline> pipeline_;
};

Napi::Value loadPipeline(const Napi::CallbackInfo& info);

}  // namespace ppd::addon
