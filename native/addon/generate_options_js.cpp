#include "addon/generate_options_js.h"

#include <regex>

#include "addon/args.h"
#include "addon/cancel_token_object.h"
#include "addon/js_error.h"
#include "addon/json_js.h"
#include "addon/tensor_js.h"

namespace ppd::addon {
namespace {

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

at::Tensor tokenIds(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw makeError(env, ErrorCode::InvalidArg, "Expected Int32Array of token ids for " + what + " but received " + describe(v));
  auto arr = v.As<Napi::Int32Array>();
  auto out = at::empty({1, static_cast<int64_t>(arr.ElementLength())}, at::kLong);
  auto* dst = out.data_ptr<int64_t>();
  for (size_t i = 0; i < arr.ElementLength(); ++i) dst[i] = arr[i];
  return out;
}

Capture parseCapture(Napi::Env env, const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull() || (v.IsBoolean() && !v.As<Napi::Boolean>().Value())) return Capture();
  if (v.IsBoolean()) return Capture::everything();
  if (!v.IsArray()) throw makeError(env, ErrorCode::InvalidArg, "Expected true or an array of tensor names for capture but received " + describe(v));
  std::set<std::string> names;
  auto arr = v.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); ++i) names.insert(Napi::Value(arr.Get(i)).ToString().Utf8Value());
  return Capture(std::move(names));
}

std::map<int64_t, at::Tensor> parseStepNoise(Napi::Env env, const Napi::Value& v) {
  std::map<int64_t, at::Tensor> out;
  if (v.IsUndefined() || v.IsNull()) return out;
  static const std::regex name(R"(noise\.(\d+))");
  for (const auto& [key, tensor] : tensorMapFromJs(env, v, "stepNoise")) {
    std::smatch m;
    if (!std::regex_match(key, m, name))
      throw makeError(env, ErrorCode::InvalidArg, "Expected stepNoise keys \"noise.{i}\" but received \"" + key + "\"");
    out[std::stoll(m[1])] = tensor.to(at::kFloat);
  }
  return out;
}

}  // namespace

std::vector<at::Tensor> parseTokenIdList(Napi::Env env, const Napi::Value& value, const char* key) {
  if (!value.IsArray()) throw makeError(env, ErrorCode::InvalidArg, std::string("Expected an array of Int32Array for ") + key + " but received " + describe(value));
  auto arr = value.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) out.push_back(tokenIds(env, arr.Get(i), std::string(key) + "[" + std::to_string(i) + "]"));
  return out;
}

GenerateBaton parseGenerateOptions(Napi::Env env, const Napi::Value& value) {
  Args args(env, value, "generate");
  GenerateBaton baton;
  auto& r = baton.request;
  r.promptIds = parseTokenIdList(env, args.raw("promptIds"), "promptIds");
  if (args.has("negativeIds")) r.negativeIds = parseTokenIdList(env, args.raw("negativeIds"), "negativeIds");
  r.seed = static_cast<uint64_t>(args.integer("seed", 0, kMaxSafeInteger));
  r.steps = args.integer("steps", 1, 1000);
  r.guidance = args.number("guidance");
  r.guidanceRescale = args.optNumber("guidanceRescale").value_or(0.0);
  r.width = args.integer("width", 8, 16384);
  r.height = args.integer("height", 8, 16384);
  r.schedulerClass = args.optString("scheduler").value_or("");
  if (args.has("schedulerConfig")) {
    r.schedulerOverride = jsToJson(env, args.raw("schedulerConfig"));
    if (!r.schedulerOverride.is_object()) args.invalid("schedulerConfig", "object");
  }
  if (args.has("initLatents")) r.initLatents = tensorFromJs(env, args.raw("initLatents"), "initLatents").to(at::kFloat);
  r.stepNoise = parseStepNoise(env, args.raw("stepNoise"));
  r.decode = args.boolean("decode", true);
  const auto graphs = args.optString("cudaGraphs").value_or("auto");
  if (graphs != "auto" && graphs != "on" && graphs != "off") args.invalid("cudaGraphs", "\"auto\", \"on\" or \"off\"");
  r.cudaGraphs = parseCudaGraphMode(graphs);
  baton.capture = parseCapture(env, args.raw("capture"));
  baton.cancel = CancelTokenObject::fromValue(env, args.raw("cancel"));
  if (args.has("onStep")) {
    auto fn = args.raw("onStep");
    if (!fn.IsFunction()) args.invalid("onStep", "function");
    baton.onStep = std::make_shared<Napi::ThreadSafeFunction>(
        Napi::ThreadSafeFunction::New(env, fn.As<Napi::Function>(), "ppdiffusion.onStep", 0, 1));
  }
  return baton;
}

Napi::Value generateResultToJs(Napi::Env env, const GenerateResult& result) {
  auto out = Napi::Object::New(env);
  if (result.image.defined()) {
    auto image = Napi::Object::New(env);
    image.Set("width", Napi::Number::New(env, static_cast<double>(result.image.size(1))));
    image.Set("height", Napi::Number::New(env, static_cast<double>(result.image.size(0))));
    image.Set("channels", 3);
    image.Set("data", tensorToJs(env, result.image).Get("data"));
    out.Set("image", image);
  }
  out.Set("latents", tensorToJs(env, result.latents));
  auto timings = Napi::Object::New(env);
  timings.Set("textEncodeMs", result.timings.textEncodeMs);
  auto unet = Napi::Array::New(env, result.timings.unetMs.size());
  for (size_t i = 0; i < result.timings.unetMs.size(); ++i) unet.Set(static_cast<uint32_t>(i), result.timings.unetMs[i]);
  timings.Set("unetMs", unet);
  auto steps = Napi::Array::New(env, result.timings.stepMs.size());
  for (size_t i = 0; i < result.timings.stepMs.size(); ++i) steps.Set(static_cast<uint32_t>(i), result.timings.stepMs[i]);
  timings.Set("stepMs", steps);
  timings.Set("schedulerMs", result.timings.schedulerMs);
  timings.Set("vaeDecodeMs", result.timings.vaeDecodeMs);
  timings.Set("graphCaptureMs", result.timings.graphCaptureMs);
  timings.Set("totalMs", result.timings.totalMs);
  out.Set("timings", timings);
  auto memory = Napi::Object::New(env);
  memory.Set("cuda", result.memory.cuda);
  memory.Set("peakAllocated", static_cast<double>(result.memory.peakAllocated));
  memory.Set("peakReserved", static_cast<double>(result.memory.peakReserved));
  memory.Set("peakSinceReset", result.memory.peakSinceReset);
  out.Set("memory", memory);
  out.Set("timesteps", jsonToJs(env, result.timesteps));
  out.Set("ignoredSchedulerKeys", jsonToJs(env, result.ignoredSchedulerKeys));
  out.Set("schedulerClass", result.schedulerClass);
  auto graphs = Napi::Object::New(env);
  graphs.Set("mode", result.cudaGraphs.mode);
  graphs.Set("used", result.cudaGraphs.used);
  if (!result.cudaGraphs.reason.empty()) graphs.Set("reason", result.cudaGraphs.reason);
  out.Set("cudaGraphs", graphs);
  if (!result.captured.empty()) out.Set("captured", tensorMapToJs(env, result.captured));
  return out;
}

}  // namespace ppd::addon
