#pragma once
#include <napi.h>

#include <functional>
#include <memory>

#include "addon/js_error.h"

namespace ppd::addon {

// Runs `work` on a libuv worker thread and settles a Promise with `toJs(result)` on the JS thread.
// Everything `work` needs must already be copied out of JS values (the "baton"): no N-API calls
// off the main thread. Any exception from `work` becomes a rejection with a stable code.
template <class Result>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<Result()>;
  using ToJs = std::function<Napi::Value(Napi::Env, Result&)>;

  static Napi::Promise start(Napi::Env env, Work work, ToJs toJs) {
    auto* worker = new PromiseWorker(env, std::move(work), std::move(toJs));
    auto promise = worker->deferred_.Promise();
    worker->Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      result_ = std::make_unique<Result>(work_());
    } catch (...) {
      error_ = classifyCurrentException();
      failed_ = true;
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (failed_) {
      deferred_.Reject(makeError(env, error_).Value());
      return;
    }
    try {
      deferred_.Resolve(toJs_(env, *result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (...) {
      deferred_.Reject(makeError(env, classifyCurrentException()).Value());
    }
  }

 private:
  PromiseWorker(Napi::Env env, Work work, ToJs toJs)
      : Napi::AsyncWorker(env, "ppdiffusion"), deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)), toJs_(std::move(toJs)) {}

  Napi::Promise::Deferred deferred_;
  Work work_;
  ToJs toJs_;
  std::unique_ptr<Result> result_;
  ClassifiedError error_{ErrorCode::Internal, ""};
  bool failed_ = false;
};

}  // namespace ppd::addon
