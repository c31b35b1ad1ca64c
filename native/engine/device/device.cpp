#include "engine/device/device.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>

#include "engine/core/error.h"
#include "engine/device/runtime.h"
#ifdef PPBENCH_WITH_CUDA
#include "engine/device/cuda_backend.h"
#endif

namespace ppd {

DeviceInfo deviceInfo() {
  DeviceInfo info;
  info.torchVersion = PPBENCH_TORCH_VERSION;
  info.threads = at::get_num_threads();
  info.buildConfig = at::show_config();
  info.deviceName = "cpu";
  const RuntimePolicy& policy = runtimePolicy();
  info.tf32 = policy.tf32;
  info.tf32Convolutions = policy.tf32Convolutions;
  info.tf32Matmul = policy.tf32Matmul;
  info.cudnnBenchmark = policy.cudnnBenchmark;
#ifdef PPBENCH_WITH_CUDA
  info.cudaBuild = true;
  info.cudaAvailable = cuda::available();
  if (info.cudaAvailable) cuda::fillInfo(info);
#endif
  return info;
}

bool emptyDeviceCache() {
#ifdef PPBENCH_WITH_CUDA
  if (cuda::available()) {
    cuda::emptyCache();
    return true;
  }
#endif
  return false;
}

bool synchronizeDevice() {
#ifdef PPBENCH_WITH_CUDA
  if (cuda::available()) {
    cuda::synchronize();
    return true;
  }
#endif
  return false;
}

MemoryStats memoryStats(bool resetPeak) {
#ifdef PPBENCH_WITH_CUDA
  if (cuda::available()) return cuda::memoryStats(resetPeak);
#endif
  // The CPU figure is the process's peak RSS while the call ran (weights, activations, allocator
  // caches): what the machine had to provide for this image.
  static std::atomic<bool> peakReset{false};
  if (resetPeak) peakReset = resetPeakRss();
  MemoryStats out;
  out.peakSinceReset = peakReset;
  out.allocated = currentRssBytes();
  // ru_maxrss and /proc/self/statm count slightly differently; a peak is never below the current value.
  out.peakAllocated = std::max(peakRssBytes(), out.allocated);
  return out;
}

at::Device parseDevice(const std::string& name) {
  if (name == "cpu") return at::Device(at::kCPU);
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
#ifdef PPBENCH_WITH_CUDA
    if (!cuda::available()) fail(ErrorCode::InvalidArg, "device \"" + name + "\": no CUDA device is available");
    try {
      return at::Device(name);
    } catch (const c10::Error&) {
    }
#else
    fail(ErrorCode::InvalidArg, "device \"" + name + "\": this addon was built against a CPU-only libtorch");
#endif
  }
  fail(ErrorCode::InvalidArg, "Expected device \"cpu\", \"cuda\" or \"cuda:N\" but received \"" + name + "\"");
}

at::ScalarType parseDtype(const std::string& name) {
  if (name == "fp32" || name == "float32") return at::kFloat;
  if (name == "fp16" || name == "float16") return at::kHalf;
  if (name == "bf16" || name == "bfloat16") return at::kBFloat16;
  fail(ErrorCode::InvalidArg, "Expected dtype \"fp32\", \"fp16\" or \"bf16\" but received \"" + name + "\"");
}

std::string dtypeName(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return "fp32";
    case at::kHalf: return "fp16";
    case at::kBFloat16: return "bf16";
    default: return c10::toString(type);
  }
}

int64_t peakRssBytes() {
  // VmHWM rather than getrusage's ru_maxrss, which clear_refs does not reset.
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "VmHWM:  123 kB"
  }
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

bool resetPeakRss() {
  // Linux ≥ 4.0: writing 5 resets the peak RSS to the current RSS.
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

int64_t currentRssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

}  // namespace ppd
