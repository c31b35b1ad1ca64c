#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/promise_worker.h"
#include "addon/tensor_js.h"
#include "engine/io/safetensors.h"

namespace ppd::addon {
namespace {

using TensorMap = std::map<std::string, at::Tensor>;

Napi::Value load(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    if (cb.Length() < 1 || !cb[0].IsString())
      throw makeError(cb.Env(), ErrorCode::InvalidArg, "Expected string for path but received " + describe(cb[0]));
    const std::string path = cb[0].As<Napi::String>().Utf8Value();
    return PromiseWorker<TensorMap>::start(
        cb.Env(), [path] { return loadAllTensors(path); },
        [](Napi::Env env, TensorMap& tensors) -> Napi::Value { return tensorMapToJs(env, tensors); });
  });
}

Napi::Value save(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    if (cb.Length() < 2 || !cb[0].IsString())
      throw makeError(cb.Env(), ErrorCode::InvalidArg, "Expected string for path but received " + describe(cb[0]));
    const std::string path = cb[0].As<Napi::String>().Utf8Value();
    auto tensors = tensorMapFromJs(cb.Env(), cb[1], "tensors");
    return PromiseWorker<bool>::start(
        cb.Env(),
        [path, tensors] {
          saveSafetensors(path, tensors);
          return true;
        },
        [](Napi::Env env, bool&) -> Napi::Value { return env.Undefined(); });
  });
}

}  // namespace

Napi::Object createTensorsBinding(Napi::Env env) {
  auto o = Napi::Object::New(env);
  o.Set("load", Napi::Function::New(env, load));
  o.Set("save", Napi::Function::New(env, save));
  return o;
}

}  // namespace ppd::addon
