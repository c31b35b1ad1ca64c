#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/core/json_file.h"
#include "engine/schedulers/scheduler.h"

namespace ppd {

// Creates `className` the way diffusers' `SchedulerClass.from_config(model_config, **overrides)`
// does: `overrides` is merged onto the model's scheduler_config.json, keys the model config lists
// in `_use_default_values` fall back to the class defaults, and every key the class does not take
// is ignored. Those ignored keys are appended to `ignoredKeys` (diffusers logs them; it stays quiet
// about keys of its "compatible" classes, which are listed here too). Keys starting with `_`
// (`_class_name`, `_diffusers_version`, ...) are metadata, never ignored keys. Like diffusers, the
// resolved config keeps the model config's unknown keys (not the overrides').
// An unknown class name or a malformed value is ERR_INVALID_ARG naming it.
std::unique_ptr<Scheduler> createScheduler(const std::string& className, const Json& modelConfig,
                                           const Json& overrides, std::vector<std::string>* ignoredKeys = nullptr);

// The class names createScheduler accepts.
std::vector<std::string> schedulerClassNames();

}  // namespace ppd
