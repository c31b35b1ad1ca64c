#pragma once
#include <napi.h>

#include "engine/profiling/profiler_session.h"

namespace ppd::addon {

// The recording's events as plain JS objects ({kind, name, thread, startUs, durationUs, ...});
// summaries are computed in TypeScript (src/profile).
Napi::Value profileRecordingToJs(Napi::Env env, const ProfileRecording& recording);

}  // namespace ppd::addon
