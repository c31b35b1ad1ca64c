// `scoring.loadScorer({clip, aesthetic?, processor?, device?, dtype?})` → Promise<Scorer> (see scorer_object.h).
#include "addon/args.h"
#include "addon/bindings.h"
#include "addon/promise_worker.h"
#include "addon/scorer_object.h"
#include "engine/device/device.h"

namespace ppd::addon {
namespace {

Napi::Value loadScorer(const Napi::CallbackInfo& cb) {
  Napi::Env env = cb.Env();
  return guarded(env, [&]() -> Napi::Value {
    Args args(env, cb[0], "loadScorer");
    const std::string clip = args.string("clip");
    if (clip.empty()) args.invalid("clip", "path of a CLIPModel folder");
    const std::string aesthetic = args.optString("aesthetic").value_or("");
    const std::string processor = args.optString("processor").value_or("");
    const at::Device device = parseDevice(args.optString("device").value_or("cpu"));
    const at::ScalarType dtype = parseDtype(args.optString("dtype").value_or("fp32"));
    const auto options = at::TensorOptions().device(device).dtype(dtype);
    return PromiseWorker<ScorerObject::Loaded>::start(
        env,
        [clip, aesthetic, processor, options] {
          return ScorerObject::Loaded{std::make_shared<const ClipScorer>(clip, aesthetic, options, processor), clip,
                                      aesthetic, processor};
        },
        [](Napi::Env env, ScorerObject::Loaded& loaded) -> Napi::Value {
          return ScorerObject::wrap(env, std::move(loaded));
        });
  });
}

}  // namespace

Napi::Object createScoringBinding(Napi::Env env) {
  ScorerObject::define(env);
  auto o = Napi::Object::New(env);
  o.Set("loadScorer", Napi::Function::New(env, loadScorer));
  return o;
}

}  // namespace ppd::addon
