// Registers the addon's bindings; nothing else lives here.
#include <napi.h>

#include "addon/bindings.h"
#include "addon/js_error.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace ppd::addon;
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
