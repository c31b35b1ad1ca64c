#pragma once
#include <napi.h>

#include "engine/core/error.h"

namespace ppd::addon {

// Errors reach JS as instances of the class src/native/binding.ts registers (NativeEngineError,
// with a stable `code`); before registration they are plain Errors with `code`.
void setErrorConstructor(const Napi::CallbackInfo& info);
Napi::Error makeError(Napi::Env env, ErrorCode code, const std::string& message);
Napi::Error makeError(Napi::Env env, const ClassifiedError& error);

// Runs `body` on the JS thread, turning any C++ exception into a thrown JS error (never an abort).
template <class F>
Napi::Value guarded(Napi::Env env, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw makeError(env, classifyCurrentException());
  }
}

}  // namespace ppd::addon
