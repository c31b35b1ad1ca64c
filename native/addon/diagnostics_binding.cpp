// Small real libtorch operations on the worker pool: the seeded noise stream (which must equal
// PyTorch's CPU generator) and a timed matmul used by `ppbench doctor`.
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>

#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/promise_worker.h"
#include "addon/tensor_js.h"
#include "engine/device/device.h"

namespace ppd::addon {
namespace {

Napi::Value randn(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    Args args(cb.Env(), cb[0], "randn");
    const auto shape = args.intArray("shape");
    const auto seed = args.integer("seed", 0, (int64_t{1} << 53));
    return PromiseWorker<at::Tensor>::start(
        cb.Env(),
        [shape, seed] {
          auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seed));
          return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat));
        },
        [](Napi::Env env, at::Tensor& t) -> Napi::Value { return tensorToJs(env, t); });
  });
}

struct MatmulResult {
  double ms;
  double sum;
};

Napi::Value matmul(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    Args args(cb.Env(), cb[0], "matmul");
    const auto a = args.intArray("a");
    const auto b = args.intArray("b");
    const auto device = parseDevice(args.optString("device").value_or("cpu"));
    const auto dtype = parseDtype(args.optString("dtype").value_or("fp32"));
    return PromiseWorker<MatmulResult>::start(
        cb.Env(),
        [a, b, device, dtype] {
          auto gen = at::make_generator<at::CPUGeneratorImpl>(0);
          auto x = at::randn(a, gen, at::kFloat).to(device, dtype);
          auto y = at::randn(b, gen, at::kFloat).to(device, dtype);
          synchronizeDevice();
          const auto t0 = std::chrono::steady_clock::now();
          auto z = at::matmul(x, y);  // a shape mismatch throws c10::Error here: ERR_TORCH
          synchronizeDevice();
          const auto t1 = std::chrono::steady_clock::now();
          return MatmulResult{std::chrono::duration<double, std::milli>(t1 - t0).count(),
                              z.to(at::kFloat).sum().item<double>()};
        },
        [](Napi::Env env, MatmulResult& r) -> Napi::Value {
          auto out = Napi::Object::New(env);
          out.Set("ms", r.ms);
          out.Set("sum", r.sum);
          return out;
        });
  });
}

}  // namespace

Napi::Object createDiagnosticsBinding(Napi::Env env) {
  auto o = Napi::Object::New(env);
  o.Set("randn", Napi::Function::New(env, randn));
  o.Set("matmul", Napi::Function::New(env, matmul));
  return o;
}

}  // namespace ppd::addon
