#pragma once
#include <cstdlib>
#include <cstring>

namespace ppd {

// An on/off environment switch that is on unless set to "0" (PPBENCH_CHANNELS_LAST=0, …).
inline bool envSwitchOn(const char* name) {
  const char* value = std::getenv(name);
  return !value || std::strcmp(value, "0") != 0;
}

}  // namespace ppd
