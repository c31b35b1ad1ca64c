#pragma once
#include <napi.h>

// One function per binding file; module.cpp only assembles them.
namespace ppd::addon {
Napi::Object createDeviceBinding(Napi::Env env);
Napi::Object createTensorsBinding(Napi::Env env);
Napi::Object createDiagnosticsBinding(Napi::Env env);
// Also defines the Scorer class its loadScorer() resolves to.
Napi::Object createScoringBinding(Napi::Env env);
}  // namespace ppd::addon
