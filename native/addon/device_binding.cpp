#include <ATen/Parallel.h>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/js_error.h"
#include "engine/device/device.h"

namespace ppd::addon {
namespace {

Napi::Value info(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    const auto i = deviceInfo();
    auto env = cb.Env();
    auto out = Napi::Object::New(env);
    out.Set("torchVersion", i.torchVersion);
    out.Set("cudaBuild", i.cudaBuild);
    out.Set("cudaAvailable", i.cudaAvailable);
    out.Set("deviceCount", i.deviceCount);
    out.Set("deviceName", i.deviceName);
    auto cap = Napi::Array::New(env, 2);
    cap.Set(0u, i.capabilityMajor);
    cap.Set(1u, i.capabilityMinor);
    out.Set("capability", cap);
    out.Set("totalMemory", static_cast<double>(i.totalMemory));
    out.Set("threads", i.threads);
    out.Set("buildConfig", i.buildConfig);
    auto cudaNumerics = Napi::Object::New(env);
    cudaNumerics.Set("tf32", i.tf32);
    cudaNumerics.Set("tf32Convolutions", i.tf32Convolutions);
    cudaNumerics.Set("tf32Matmul", i.tf32Matmul);
    cudaNumerics.Set("cudnnBenchmark", i.cudnnBenchmark);
    out.Set("cudaNumerics", cudaNumerics);
    return out;
  });
}

Napi::Value emptyCache(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    auto out = Napi::Object::New(cb.Env());
    out.Set("flushed", emptyDeviceCache());
    return out;
  });
}

Napi::Value synchronize(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    auto out = Napi::Object::New(cb.Env());
    out.Set("synchronized", synchronizeDevice());
    return out;
  });
}

Napi::Value stats(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    bool resetPeak = false;
    if (cb.Length() > 0 && !cb[0].IsUndefined()) resetPeak = Args(cb.Env(), cb[0], "memoryStats").boolean("resetPeak", false);
    const auto s = memoryStats(resetPeak);
    auto out = Napi::Object::New(cb.Env());
    out.Set("cuda", s.cuda);
    out.Set("allocated", static_cast<double>(s.allocated));
    out.Set("reserved", static_cast<double>(s.reserved));
    out.Set("peakAllocated", static_cast<double>(s.peakAllocated));
    out.Set("peakReserved", static_cast<double>(s.peakReserved));
    return out;
  });
}

Napi::Value setThreads(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    Args args(cb.Env(), cb[0], "setThreads");
    at::set_num_threads(static_cast<int>(args.integer("threads", 1, 1024)));
    return cb.Env().Undefined();
  });
}

}  // namespace

Napi::Object createDeviceBinding(Napi::Env env) {
  auto o = Napi::Object::New(env);
  o.Set("info", Napi::Function::New(env, info));
  o.Set("emptyCache", Napi::Function::New(env, emptyCache));
  o.Set("synchronize", Napi::Function::New(env, synchronize));
  o.Set("memoryStats", Napi::Function::New(env, stats));
  o.Set("setThreads", Napi::Function::New(env, setThreads));
  return o;
}

}  // namespace ppd::addon
