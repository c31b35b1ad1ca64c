#pragma once
#include <napi.h>

#include <memory>
#include <string>

#include "engine/scoring/clip_scorer.h"

namespace ppd::addon {

// The JS `Scorer` returned by `scoring.loadScorer()`: a loaded CLIP model (+ aesthetic predictor).
// `score()` runs on a worker thread, `dispose()` frees the weights; JS cannot construct it directly.
class ScorerObject : public Napi::ObjectWrap<ScorerObject> {
 public:
  struct Loaded {
    std::shared_ptr<const ClipScorer> scorer;
    std::string clipDir;
    std::string aestheticPath;  // empty: none
    std::string processorDir;   // empty: the CLIP folder's own
  };

  // Defines the class once per process (the constructor lives in a static reference, like the
  // error class in js_error.cpp).
  static void define(Napi::Env env);
  // Wraps a loaded scorer in a new JS object (JS thread only).
  static Napi::Object wrap(Napi::Env env, Loaded loaded);

  explicit ScorerObject(const Napi::CallbackInfo& info);

 private:
  Napi::Value score(const Napi::CallbackInfo& info);
  Napi::Value info(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);

  // Null after dispose(). A score() in flight holds its own reference, so disposing during a call
  // frees the weights once that call has finished.
  std::shared_ptr<const ClipScorer> scorer_;
  std::string clipDir_;
  std::string aestheticPath_;
  std::string processorDir_;
};

}  // namespace ppd::addon
