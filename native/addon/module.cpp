// Registers the addon's bindings; nothing else lives here.
#include <napi.h>

#include "addon/addon_data.h"
#include "addon/bindings.h"
#include "addon/cancel_token_object.h"
#include "addon/js_error.h"
#include "addon/pipeline_object.h"
#include "engine/device/runtime.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace ppd::addon;
  ppd::configureRuntime();
  auto* data = new AddonData();
  env.SetInstanceData(data);
  auto cancelToken = CancelTokenObject::define(env);
  data->cancelTokenConstructor = Napi::Persistent(cancelToken);
  auto pipeline = PipelineObject::define(env);
  data->pipelineConstructor = Napi::Persistent(pipeline);
  exports.Set("CancelToken", cancelToken);
  exports.Set("loadPipeline", Napi::Function::New(env, loadPipeline));
  exports.Set("setErrorConstructor", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                setErrorConstructor(info);
              }));
  exports.Set("device", createDeviceBinding(env));
  exports.Set("tensors", createTensorsBinding(env));
  exports.Set("diagnostics", createDiagnosticsBinding(env));
  exports.Set("scoring", createScoringBinding(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(ppdiffusion, Init)
