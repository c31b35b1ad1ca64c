#include "engine/device/runtime.h"

#include <ATen/Context.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace ppd {

void configureRuntime() {
  static std::once_flag once;
  std::call_once(once, [] {
    at::globalContext().setUserEnabledNNPACK(false);
    const char* tuning = std::getenv("PPBENCH_MALLOC_TUNING");
    if (!tuning || std::strcmp(tuning, "0") != 0) {
      mallopt(M_MMAP_MAX, 0);
      mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    }
  });
}

}  // namespace ppd
