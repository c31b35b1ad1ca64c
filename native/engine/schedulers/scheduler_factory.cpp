#include "engine/schedulers/scheduler_factory.h"

#include <algorithm>
#include <functional>

#include "engine/core/error.h"
#include "engine/schedulers/ddim_scheduler.h"
#include "engine/schedulers/dpm_solver_multistep_scheduler.h"
#include "engine/schedulers/edm_dpm_solver_multistep_scheduler.h"
#include "engine/schedulers/edm_euler_scheduler.h"
#include "engine/schedulers/euler_ancestral_discrete_scheduler.h"
#include "engine/schedulers/euler_discrete_scheduler.h"
#include "engine/schedulers/lcm_scheduler.h"
#include "engine/schedulers/pndm_scheduler.h"

namespace ppd {

namespace {

struct SchedulerClass {
  const char* name;
  std::function<Json()> defaults;
  std::function<std::unique_ptr<Scheduler>(SchedulerConfig)> make;
};

template <class T>
SchedulerClass entry(const char* name) {
  return {name, &T::defaultConfig, [](SchedulerConfig cfg) { return std::make_unique<T>(std::move(cfg)); }};
}

const std::vector<SchedulerClass>& registry() {
  static const std::vector<SchedulerClass> classes = {
      entry<PNDMScheduler>("PNDMScheduler"),
      entry<DDIMScheduler>("DDIMScheduler"),
      entry<EulerDiscreteScheduler>("EulerDiscreteScheduler"),
      entry<EulerAncestralDiscreteScheduler>("EulerAncestralDiscreteScheduler"),
      entry<DPMSolverMultistepScheduler>("DPMSolverMultistepScheduler"),
      entry<LCMScheduler>("LCMScheduler"),
      entry<EDMDPMSolverMultistepScheduler>("EDMDPMSolverMultistepScheduler"),
      entry<EDMEulerScheduler>("EDMEulerScheduler"),
  };
  return classes;
}

bool isMetadataKey(const std::string& key) { return !key.empty() && key[0] == '_'; }

const Json& objectOrEmpty(const Json& json, const std::string& what) {
  static const Json empty = Json::object();
  if (json.is_null()) return empty;
  if (!json.is_object()) fail(ErrorCode::InvalidArg, what + " must be a JSON object (got " + json.dump() + ")");
  return json;
}

}  // namespace

std::vector<std::string> schedulerClassNames() {
  std::vector<std::string> names;
  for (const auto& c : registry()) names.emplace_back(c.name);
  return names;
}

std::unique_ptr<Scheduler> createScheduler(const std::string& className, const Json& modelConfig,
                                           const Json& overrides, std::vector<std::string>* ignoredKeys) {
  const SchedulerClass* cls = nullptr;
  for (const auto& c : registry())
    if (className == c.name) cls = &c;
  if (!cls) {
    std::string known;
    for (const auto& n : schedulerClassNames()) known += (known.empty() ? "" : ", ") + n;
    fail(ErrorCode::InvalidArg, "unknown scheduler class \"" + className + "\" (known: " + known + ")");
  }
  const Json& model = objectOrEmpty(modelConfig, "scheduler config");
  const Json& extra = objectOrEmpty(overrides, "scheduler overrides");

  // diffusers writes `_use_default_values` for keys that were not given explicitly when the config
  // was saved; loading drops them so that the loading class's own defaults apply.
  std::vector<std::string> useDefaults;
  if (model.contains("_use_default_values") && model["_use_default_values"].is_array())
    for (const auto& k : model["_use_default_values"])
      if (k.is_string()) useDefaults.push_back(k.get<std::string>());

  const Json defaults = cls->defaults();
  Json resolved = defaults;
  const auto apply = [&](const Json& source, bool keepUnknown) {
    for (const auto& [key, value] : source.items()) {
      if (isMetadataKey(key)) continue;
      if (defaults.contains(key)) {
        // A null value means "not given": the class default applies (diffusers would pass None).
        if (!value.is_null() || defaults[key].is_null()) resolved[key] = value;
        continue;
      }
      if (ignoredKeys && std::find(ignoredKeys->begin(), ignoredKeys->end(), key) == ignoredKeys->end())
        ignoredKeys->push_back(key);
      if (keepUnknown) resolved[key] = value;
    }
  };
  Json kept = Json::object();
  for (const auto& [key, value] : model.items())
    if (std::find(useDefaults.begin(), useDefaults.end(), key) == useDefaults.end()) kept[key] = value;
  apply(kept, true);
  apply(extra, false);
  return cls->make(SchedulerConfig(cls->name, std::move(resolved)));
}

}  // namespace ppd
