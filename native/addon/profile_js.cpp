#include "addon/profile_js.h"

namespace ppd::addon {
namespace {

const char* kindName(ProfiledEvent::Kind kind) {
  switch (kind) {
    case ProfiledEvent::Kind::Scope: return "scope";
    case ProfiledEvent::Kind::Memory: return "memory";
    case ProfiledEvent::Kind::Kernel: return "kernel";
    case ProfiledEvent::Kind::Operator: break;
  }
  return "op";
}

Napi::Value eventToJs(Napi::Env env, const ProfiledEvent& e) {
  auto o = Napi::Object::New(env);
  o.Set("kind", kindName(e.kind));
  o.Set("name", e.name);
  o.Set("thread", static_cast<double>(e.threadId));
  o.Set("startUs", e.startUs);
  o.Set("durationUs", e.durationUs);
  if (e.flops) o.Set("flops", static_cast<double>(e.flops));
  if (e.kind == ProfiledEvent::Kind::Memory) o.Set("bytes", static_cast<double>(e.bytes));
  if (!e.shapes.empty()) {
    auto shapes = Napi::Array::New(env, e.shapes.size());
    for (size_t i = 0; i < e.shapes.size(); ++i) {
      auto dims = Napi::Array::New(env, e.shapes[i].size());
      for (size_t d = 0; d < e.shapes[i].size(); ++d) dims.Set(d, static_cast<double>(e.shapes[i][d]));
      shapes.Set(i, dims);
    }
    o.Set("shapes", shapes);
  }
  return o;
}

}  // namespace

Napi::Value profileRecordingToJs(Napi::Env env, const ProfileRecording& recording) {
  auto events = Napi::Array::New(env, recording.events.size());
  for (size_t i = 0; i < recording.events.size(); ++i) events.Set(i, eventToJs(env, recording.events[i]));
  auto out = Napi::Object::New(env);
  out.Set("events", events);
  if (!recording.tracePath.empty()) out.Set("tracePath", recording.tracePath);
  return out;
}

}  // namespace ppd::addon
