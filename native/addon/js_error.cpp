#include "addon/js_error.h"

namespace ppd::addon {
namespace {
Napi::FunctionReference& errorConstructor() {
  static Napi::FunctionReference ctor;
  return ctor;
}
}  // namespace

void setErrorConstructor(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction())
    throw makeError(info.Env(), ErrorCode::InvalidArg, "setErrorConstructor expects a class");
  errorConstructor() = Napi::Persistent(info[0].As<Napi::Function>());
}

Napi::Error makeError(Napi::Env env, ErrorCode code, const std::string& message) {
  const char* name = errorCodeName(code);
  auto& ctor = errorConstructor();
  if (!ctor.IsEmpty()) {
    Napi::Object err = ctor.New({Napi::String::New(env, message), Napi::String::New(env, name)});
    return Napi::Error(env, err);
  }
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, name));
  return err;
}

Napi::Error makeError(Napi::Env env, const ClassifiedError& error) { return makeError(env, error.code, error.message); }

}  // namespace ppd::addon
