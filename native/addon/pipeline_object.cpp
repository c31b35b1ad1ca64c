#include "addon/pipeline_object.h"

#include "addon/addon_data.h"
#include "addon/args.h"
#include "addon/cancel_token_object.h"
#include "addon/generate_options_js.h"
#include "addon/js_error.h"
#include "addon/json_js.h"
#include "addon/profile_js.h"
#include "addon/promise_worker.h"
#include "addon/tensor_js.h"
#include "engine/device/device.h"
#include "engine/profiling/profiler_session.h"

namespace ppd::addon {
namespace {

using TensorMap = std::map<std::string, at::Tensor>;

// Releases the step callback when the worker is done with it, whatever happens.
struct ReleaseOnExit {
  std::shared_ptr<Napi::ThreadSafeFunction> fn;
  ~ReleaseOnExit() {
    if (fn) fn->Release();
  }
};

StepCallback forwardSteps(const std::shared_ptr<Napi::ThreadSafeFunction>& fn) {
  if (!fn) return {};
  return [fn](const StepEvent& event) {
    fn->NonBlockingCall(new StepEvent(event), [](Napi::Env env, Napi::Function callback, StepEvent* e) {
      auto o = Napi::Object::New(env);
      o.Set("index", static_cast<double>(e->index));
      o.Set("total", static_cast<double>(e->total));
      o.Set("timestep", e->timestep);
      o.Set("elapsedMs", e->elapsedMs);
      o.Set("unetMs", e->unetMs);
      delete e;
      callback.Call({o});  // an exception thrown by the callback surfaces as uncaught, as for any event
    });
  };
}

at::Tensor optionalTensor(Napi::Env env, const Args& args, const char* key) {
  return args.has(key) ? tensorFromJs(env, args.raw(key), key).to(at::kFloat) : at::Tensor();
}

}  // namespace

Napi::Function PipelineObject::define(Napi::Env env) {
  return DefineClass(env, "Pipeline",
                     {InstanceMethod<&PipelineObject::info>("info"),
                      InstanceMethod<&PipelineObject::generate>("generate"),
                      InstanceMethod<&PipelineObject::profile>("profile"),
                      InstanceMethod<&PipelineObject::encodeText>("encodeText"),
                      InstanceMethod<&PipelineObject::runUnet>("runUnet"),
                      InstanceMethod<&PipelineObject::decodeLatents>("decodeLatents"),
                      InstanceMethod<&PipelineObject::dispose>("dispose")});
}

PipelineObject::PipelineObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PipelineObject>(info) {}

Napi::Object PipelineObject::wrap(Napi::Env env, std::shared_ptr<DiffusionPipeline> pipeline) {
  auto obj = addonData(env).pipelineConstructor.New({});
  Unwrap(obj)->pipeline_ = std::move(pipeline);
  return obj;
}

std::shared_ptr<DiffusionPipeline> PipelineObject::pipeline(Napi::Env env) const {
  if (!pipeline_) throw makeError(env, ErrorCode::InvalidArg, "this pipeline was disposed");
  return pipeline_;
}

Napi::Value PipelineObject::info(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value { return jsonToJs(cb.Env(), pipeline(cb.Env())->info()); });
}

Napi::Value PipelineObject::generate(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    auto p = pipeline(cb.Env());
    auto baton = std::make_shared<GenerateBaton>(parseGenerateOptions(cb.Env(), cb[0]));
    return PromiseWorker<GenerateResult>::start(
        cb.Env(),
        [p, baton] {
          ReleaseOnExit release{baton->onStep};
          return p->generate(baton->request, baton->capture, *baton->cancel, forwardSteps(baton->onStep));
        },
        [](Napi::Env env, GenerateResult& r) { return generateResultToJs(env, r); });
  });
}

// generate() under the libtorch profiler; the session runs on the worker thread, where the engine works.
Napi::Value PipelineObject::profile(const Napi::CallbackInfo& cb) {
  struct Profiled {
    GenerateResult result;
    ProfileRecording recording;
  };
  return guarded(cb.Env(), [&]() -> Napi::Value {
    auto p = pipeline(cb.Env());
    auto baton = std::make_shared<GenerateBaton>(parseGenerateOptions(cb.Env(), cb[0]));
    std::string tracePath;
    if (cb.Length() > 1 && !cb[1].IsUndefined())
      tracePath = Args(cb.Env(), cb[1], "profile").optString("tracePath").value_or("");
    const bool cuda = p->info().value("device", "cpu") != "cpu";
    return PromiseWorker<Profiled>::start(
        cb.Env(),
        [p, baton, tracePath, cuda] {
          ReleaseOnExit release{baton->onStep};
          ProfilerSession session(cuda);
          Profiled out;
          out.result = p->generate(baton->request, baton->capture, *baton->cancel, forwardSteps(baton->onStep));
          synchronizeDevice();
          out.recording = session.finish(tracePath);
          return out;
        },
        [](Napi::Env env, Profiled& r) -> Napi::Value {
          auto o = profileRecordingToJs(env, r.recording).As<Napi::Object>();
          o.Set("result", generateResultToJs(env, r.result));
          return o;
        });
  });
}

Napi::Value PipelineObject::encodeText(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    auto p = pipeline(cb.Env());
    Args args(cb.Env(), cb[0], "encodeText");
    auto ids = parseTokenIdList(cb.Env(), args.raw("ids"), "ids");
    return PromiseWorker<TensorMap>::start(
        cb.Env(),
        [p, ids] {
          Capture capture = Capture::everything();
          auto enc = p->encodeText(ids, capture);
          auto out = capture.take();
          out["prompt_embeds"] = enc.promptEmbeds;
          if (enc.pooledEmbeds.defined()) out["pooled_prompt_embeds"] = enc.pooledEmbeds;
          return out;
        },
        [](Napi::Env env, TensorMap& m) -> Napi::Value { return tensorMapToJs(env, m); });
  });
}

Napi::Value PipelineObject::runUnet(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    auto p = pipeline(cb.Env());
    Args args(cb.Env(), cb[0], "runUnet");
    auto sample = tensorFromJs(cb.Env(), args.raw("sample"), "sample").to(at::kFloat);
    auto timestep = tensorFromJs(cb.Env(), args.raw("timestep"), "timestep");
    auto ehs = tensorFromJs(cb.Env(), args.raw("encoderHiddenStates"), "encoderHiddenStates").to(at::kFloat);
    auto textEmbeds = optionalTensor(cb.Env(), args, "textEmbeds");
    auto timeIds = optionalTensor(cb.Env(), args, "timeIds");
    return PromiseWorker<at::Tensor>::start(
        cb.Env(), [=] { return p->runUnet(sample, timestep, ehs, textEmbeds, timeIds); },
        [](Napi::Env env, at::Tensor& t) -> Napi::Value { return tensorToJs(env, t); });
  });
}

Napi::Value PipelineObject::decodeLatents(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    auto p = pipeline(cb.Env());
    Args args(cb.Env(), cb[0], "decodeLatents");
    auto z = tensorFromJs(cb.Env(), args.raw("vaeInput"), "vaeInput").to(at::kFloat);
    return PromiseWorker<at::Tensor>::start(
        cb.Env(), [=] { return p->decodeLatents(z); },
        [](Napi::Env env, at::Tensor& t) -> Napi::Value { return tensorToJs(env, t); });
  });
}

Napi::Value PipelineObject::dispose(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    auto p = std::move(pipeline_);
    if (!p) {
      auto done = Napi::Promise::Deferred::New(cb.Env());
      done.Resolve(cb.Env().Undefined());
      return done.Promise();
    }
    // Waits (on a worker) for a running call to finish, then frees the weights and the device cache.
    return PromiseWorker<bool>::start(
        cb.Env(),
        [p] {
          p->dispose();
          emptyDeviceCache();
          return true;
        },
        [](Napi::Env env, bool&) -> Napi::Value { return env.Undefined(); });
  });
}

Napi::Value loadPipeline(const Napi::CallbackInfo& cb) {
  return guarded(cb.Env(), [&]() -> Napi::Value {
    Args args(cb.Env(), cb[0], "loadPipeline");
    PipelineOptions options;
    options.modelDir = args.string("modelDir");
    options.device = parseDevice(args.optString("device").value_or("cpu"));
    options.dtype = parseDtype(args.optString("dtype").value_or("fp32"));
    options.variant = args.optString("variant").value_or("auto");
    options.cancel = CancelTokenObject::fromValue(cb.Env(), args.raw("cancel"));
    return PromiseWorker<std::shared_ptr<DiffusionPipeline>>::start(
        cb.Env(), [options] { return DiffusionPipeline::load(options); },
        [](Napi::Env env, std::shared_ptr<DiffusionPipeline>& p) -> Napi::Value { return PipelineObject::wrap(env, p); });
  });
}

}  // namespace ppd::addon
