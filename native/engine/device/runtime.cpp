#include "engine/device/runtime.h"

#include <ATen/Context.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "engine/core/env_switch.h"

namespace ppd {
namespace {

RuntimePolicy readPolicy() {
  RuntimePolicy p;
  const char* tf32 = std::getenv("PPBENCH_TF32");
  p.tf32 = tf32 && *tf32 ? tf32 : "torch";
  if (p.tf32 == "on") {
    p.tf32Convolutions = p.tf32Matmul = true;
  } else if (p.tf32 == "off") {
    p.tf32Convolutions = p.tf32Matmul = false;
  } else if (p.tf32 != "torch") {
    // Read while the addon loads, where an exception cannot become a coded JS error: said once, and
    // deviceInfo().cudaNumerics shows the policy actually used.
    std::fprintf(stderr, "ppdiffusion: PPBENCH_TF32=\"%s\" is not \"torch\", \"on\" or \"off\"; using \"torch\"\n",
                 p.tf32.c_str());
    p.tf32 = "torch";
  }
  p.cudnnBenchmark = envSwitchOn("PPBENCH_CUDNN_BENCHMARK");
  return p;
}

}  // namespace

const RuntimePolicy& runtimePolicy() {
  static const RuntimePolicy policy = readPolicy();
  return policy;
}

void configureRuntime() {
  static std::once_flag once;
  std::call_once(once, [] {
    at::globalContext().setUserEnabledNNPACK(false);
    if (envSwitchOn("PPBENCH_MALLOC_TUNING")) {
      mallopt(M_MMAP_MAX, 0);
      mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    }
    const RuntimePolicy& policy = runtimePolicy();
    at::globalContext().setBenchmarkCuDNN(policy.cudnnBenchmark);
    at::globalContext().setAllowTF32CuDNN(policy.tf32Convolutions);
    at::globalContext().setAllowTF32CuBLAS(policy.tf32Matmul);
  });
}

}  // namespace ppd
