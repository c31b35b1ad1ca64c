#pragma once
#include <napi.h>

#include "engine/core/cancel.h"

namespace ppd::addon {

// JS handle of a CancelToken: TypeScript wires an AbortSignal to `cancel()`; the worker polls it
// between units of work.
class CancelTokenObject : public Napi::ObjectWrap<CancelTokenObject> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit CancelTokenObject(const Napi::CallbackInfo& info);
  const CancelTokenPtr& token() const { return token_; }
  static CancelTokenPtr fromValue(Napi::Env env, const Napi::Value& value);

 private:
  Napi::Value cancel(const Napi::CallbackInfo& info);
  Napi::Value cancelled(const Napi::CallbackInfo& info);
  CancelTokenPtr token_ = std::make_shared<CancelToken>();
};

}  // namespace ppd::addon
