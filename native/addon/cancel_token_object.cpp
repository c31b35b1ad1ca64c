#include "addon/cancel_token_object.h"

#include "addon/addon_data.h"
#include "addon/args.h"
#include "addon/js_error.h"

namespace ppd::addon {

Napi::Function CancelTokenObject::define(Napi::Env env) {
  return DefineClass(env, "CancelToken",
                     {InstanceMethod<&CancelTokenObject::cancel>("cancel"),
                      InstanceAccessor<&CancelTokenObject::cancelled>("cancelled")});
}

CancelTokenObject::CancelTokenObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CancelTokenObject>(info) {}

Napi::Value CancelTokenObject::cancel(const Napi::CallbackInfo& info) {
  token_->cancel();
  return info.Env().Undefined();
}

Napi::Value CancelTokenObject::cancelled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), token_->cancelled());
}

CancelTokenPtr CancelTokenObject::fromValue(Napi::Env env, const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return std::make_shared<CancelToken>();
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(addonData(env).cancelTokenConstructor.Value()))
    throw makeError(env, ErrorCode::InvalidArg, "Expected a CancelToken for cancel but received " + describe(value));
  return Unwrap(value.As<Napi::Object>())->token();
}

}  // namespace ppd::addon
