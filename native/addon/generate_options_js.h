#pragma once
#include <napi.h>

#include <memory>

#include "engine/core/cancel.h"
#include "engine/core/capture.h"
#include "engine/pipeline/generate_request.h"

namespace ppd::addon {

// Everything a generate call needs, copied out of JS on the JS thread (the baton).
struct GenerateBaton {
  GenerateRequest request;
  Capture capture;
  CancelTokenPtr cancel;
  std::shared_ptr<Napi::ThreadSafeFunction> onStep;  // null when no callback was given
};

GenerateBaton parseGenerateOptions(Napi::Env env, const Napi::Value& value);
std::vector<at::Tensor> parseTokenIdList(Napi::Env env, const Napi::Value& value, const char* key);
Napi::Value generateResultToJs(Napi::Env env, const GenerateResult& result);

}  // namespace ppd::addon
