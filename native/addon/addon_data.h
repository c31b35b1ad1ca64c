#pragma once
#include <napi.h>

namespace ppd::addon {

// Per-environment constructors of the wrapped classes (so workers can create instances in OnOK).
struct AddonData {
  Napi::FunctionReference pipelineConstructor;
  Napi::FunctionReference cancelTokenConstructor;
};

inline AddonData& addonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace ppd::addon
