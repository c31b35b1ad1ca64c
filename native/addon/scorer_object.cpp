#include "addon/scorer_object.h"

#include <cstring>

#include "addon/args.h"
#include "addon/js_error.h"
#include "addon/promise_worker.h"
#include "addon/tensor_js.h"
#include "engine/device/device.h"

namespace ppd::addon {
namespace {

Napi::FunctionReference& constructor() {
  static Napi::FunctionReference ctor;
  return ctor;
}

// Everything score() needs, copied out of JS on the JS thread.
struct ScoreBaton {
  std::vector<at::Tensor> images;  // [H, W, 3] uint8
  at::Tensor tokenIds;             // [T, L] int64, or undefined without texts
  int64_t batchSize = 0;           // images per vision forward; 0 = all
};

[[noreturn]] void invalid(Napi::Env env, const std::string& message) {
  throw makeError(env, ErrorCode::InvalidArg, message);
}

constexpr int64_t kMaxSide = 1 << 15;

at::Tensor imageFromJs(Napi::Env env, const Napi::Value& value, uint32_t index) {
  const std::string where = "images[" + std::to_string(index) + "]";
  if (!value.IsObject() || value.IsArray())
    invalid(env, where + ": expected {width, height, data: Uint8Array RGB} but received " + describe(value));
  const auto obj = value.As<Napi::Object>();
  auto side = [&](const char* key) -> int64_t {
    const Napi::Value v = obj.Get(key);
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!v.IsNumber() || !(d >= 1 && d <= double(kMaxSide)) || d != static_cast<double>(static_cast<int64_t>(d)))
      invalid(env, where + "." + key + ": expected an integer in [1, " + std::to_string(kMaxSide) + "] but received " +
                       describe(v));
    return static_cast<int64_t>(d);
  };
  const int64_t width = side("width"), height = side("height");
  const Napi::Value data = obj.Get("data");
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    invalid(env, where + ".data: expected a Uint8Array of RGB bytes but received " + describe(data));
  const auto bytes = data.As<Napi::Uint8Array>();
  const int64_t expected = width * height * 3;
  if (static_cast<int64_t>(bytes.ElementLength()) != expected)
    invalid(env, where + ": data has " + std::to_string(bytes.ElementLength()) + " bytes but a " + std::to_string(width) +
                     "x" + std::to_string(height) + " RGB image needs " + std::to_string(expected));
  at::Tensor image = at::empty({height, width, 3}, at::kByte);
  std::memcpy(image.data_ptr<uint8_t>(), bytes.Data(), static_cast<size_t>(expected));
  return image;
}

at::Tensor tokenIdsFromJs(Napi::Env env, const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return {};
  if (!value.IsArray()) invalid(env, "tokenIds: expected an array of Int32Array but received " + describe(value));
  const auto rows = value.As<Napi::Array>();
  if (rows.Length() == 0) return {};
  int64_t length = -1;
  std::vector<Napi::Int32Array> arrays;
  for (uint32_t i = 0; i < rows.Length(); ++i) {
    const Napi::Value row = rows.Get(i);
    const std::string where = "tokenIds[" + std::to_string(i) + "]";
    if (!row.IsTypedArray() || row.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
      invalid(env, where + ": expected an Int32Array of token ids but received " + describe(row));
    const auto ids = row.As<Napi::Int32Array>();
    const auto n = static_cast<int64_t>(ids.ElementLength());
    if (n == 0) invalid(env, where + " is empty");
    if (length >= 0 && n != length)
      invalid(env, where + " has " + std::to_string(n) + " ids but tokenIds[0] has " + std::to_string(length));
    length = n;
    arrays.push_back(ids);
  }
  at::Tensor out = at::empty({static_cast<int64_t>(arrays.size()), length}, at::kLong);
  int64_t* dst = out.data_ptr<int64_t>();
  for (const auto& ids : arrays)
    for (int64_t j = 0; j < length; ++j) *dst++ = ids[static_cast<size_t>(j)];
  return out;
}

Napi::Array matrixToJs(Napi::Env env, const at::Tensor& matrix) {
  const at::Tensor m = matrix.to(at::kDouble).contiguous();
  const int64_t rows = m.size(0), cols = m.size(1);
  const double* p = m.data_ptr<double>();
  auto out = Napi::Array::New(env, static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) {
    auto row = Napi::Array::New(env, static_cast<size_t>(cols));
    for (int64_t j = 0; j < cols; ++j) row.Set(static_cast<uint32_t>(j), Napi::Number::New(env, p[i * cols + j]));
    out.Set(static_cast<uint32_t>(i), row);
  }
  return out;
}

Napi::Value scoresToJs(Napi::Env env, const ClipScores& s) {
  auto out = Napi::Object::New(env);
  out.Set("imageEmbeds", tensorToJs(env, s.imageEmbeds));
  out.Set("textEmbeds", tensorToJs(env, s.textEmbeds));
  out.Set("cosine", matrixToJs(env, s.cosine));
  out.Set("clipScore", matrixToJs(env, s.clipScore));
  out.Set("logits", matrixToJs(env, s.logits));
  if (s.aesthetic.defined()) {
    const at::Tensor a = s.aesthetic.to(at::kDouble).contiguous();
    auto arr = Napi::Array::New(env, static_cast<size_t>(a.numel()));
    for (int64_t i = 0; i < a.numel(); ++i) arr.Set(static_cast<uint32_t>(i), a.data_ptr<double>()[i]);
    out.Set("aesthetic", arr);
  } else {
    out.Set("aesthetic", env.Null());
  }
  auto timings = Napi::Object::New(env);
  timings.Set("preprocessMs", s.timings.preprocessMs);
  timings.Set("imageMs", s.timings.imageMs);
  timings.Set("textMs", s.timings.textMs);
  timings.Set("totalMs", s.timings.totalMs);
  out.Set("timings", timings);
  return out;
}

}  // namespace

void ScorerObject::define(Napi::Env env) {
  if (!constructor().IsEmpty()) return;
  Napi::Function cls = DefineClass(env, "Scorer",
                                   {InstanceMethod<&ScorerObject::score>("score"),
                                    InstanceMethod<&ScorerObject::info>("info"),
                                    InstanceMethod<&ScorerObject::dispose>("dispose")});
  constructor() = Napi::Persistent(cls);
}

Napi::Object ScorerObject::wrap(Napi::Env env, Loaded loaded) {
  return constructor().New({Napi::External<Loaded>::New(env, &loaded)});
}

ScorerObject::ScorerObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ScorerObject>(info) {
  if (info.Length() != 1 || !info[0].IsExternal())
    throw makeError(info.Env(), ErrorCode::InvalidArg, "Scorer objects come from loadScorer(), not from `new`");
  const Loaded& loaded = *info[0].As<Napi::External<Loaded>>().Data();
  scorer_ = loaded.scorer;
  clipDir_ = loaded.clipDir;
  aestheticPath_ = loaded.aestheticPath;
  processorDir_ = loaded.processorDir;
}

Napi::Value ScorerObject::score(const Napi::CallbackInfo& cb) {
  Napi::Env env = cb.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!scorer_) invalid(env, "this scorer was disposed (" + clipDir_ + ")");
    Args args(env, cb[0], "score");
    const Napi::Value images = args.raw("images");
    if (!images.IsArray()) args.invalid("images", "array of {width, height, data: Uint8Array RGB}");
    const auto list = images.As<Napi::Array>();
    if (list.Length() == 0) args.invalid("images", "non-empty array of images");
    ScoreBaton baton;
    baton.images.reserve(list.Length());
    for (uint32_t i = 0; i < list.Length(); ++i) baton.images.push_back(imageFromJs(env, list.Get(i), i));
    baton.tokenIds = tokenIdsFromJs(env, args.raw("tokenIds"));
    baton.batchSize = args.optInteger("batchSize", 1, int64_t{1} << 20).value_or(0);
    auto scorer = scorer_;
    return PromiseWorker<ClipScores>::start(
        env, [scorer, baton] { return scorer->score(baton.images, baton.tokenIds, baton.batchSize); },
        [](Napi::Env env, ClipScores& s) { return scoresToJs(env, s); });
  });
}

Napi::Value ScorerObject::info(const Napi::CallbackInfo& cb) {
  Napi::Env env = cb.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto out = Napi::Object::New(env);
    out.Set("clip", clipDir_);
    out.Set("aesthetic", aestheticPath_.empty() ? env.Null() : Napi::String::New(env, aestheticPath_));
    out.Set("processor", processorDir_.empty() ? Napi::String::New(env, clipDir_) : Napi::String::New(env, processorDir_));
    out.Set("disposed", !scorer_);
    if (scorer_) {
      out.Set("device", scorer_->options().device().str());
      out.Set("dtype", dtypeName(scorer_->options().dtype().toScalarType()));
      out.Set("projectionDim", static_cast<double>(scorer_->projectionDim()));
      out.Set("imageSize", static_cast<double>(scorer_->visionConfig().imageSize));
      out.Set("contextLength", static_cast<double>(scorer_->textConfig().maxPositionEmbeddings));
      out.Set("vocabSize", static_cast<double>(scorer_->textConfig().vocabSize));
      out.Set("logitScale", scorer_->logitScale());
    }
    return out;
  });
}

Napi::Value ScorerObject::dispose(const Napi::CallbackInfo& cb) {
  Napi::Env env = cb.Env();
  return guarded(env, [&]() -> Napi::Value {
    std::shared_ptr<const ClipScorer> released = std::move(scorer_);
    scorer_ = nullptr;
    // The last reference is dropped on the worker (freeing GPU memory can wait on the device);
    // a score() still running keeps its own reference until it finishes.
    return PromiseWorker<bool>::start(
        env,
        [released = std::move(released)]() mutable {
          const bool onCuda = released && released->options().device().is_cuda();
          const bool last = released.use_count() == 1;
          released.reset();
          if (onCuda && last) emptyDeviceCache();
          return true;
        },
        [](Napi::Env env, bool&) -> Napi::Value { return env.Undefined(); });
  });
}

}  // namespace ppd::addon
