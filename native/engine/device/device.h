#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ppd {

struct DeviceInfo {
  std::string torchVersion;
  bool cudaBuild = false;      // compiled against a CUDA libtorch
  bool cudaAvailable = false;  // a CUDA device is usable now
  int deviceCount = 0;
  std::string deviceName;      // of device 0 ("cpu" without CUDA)
  int capabilityMajor = 0, capabilityMinor = 0;
  int64_t totalMemory = 0;     // bytes of device 0 (0 on CPU)
  int threads = 0;             // intra-op CPU threads
  std::string buildConfig;     // at::show_config()
  // The CUDA numerics policy in force (runtime.h): "torch" | "on" | "off", and what it means.
  std::string tf32;
  bool tf32Convolutions = false, tf32Matmul = false, cudnnBenchmark = false;
};

struct MemoryStats {
  bool cuda = false;       // false: CPU numbers (process RSS), no allocator stats
  // The peak covers only the time since the last memoryStats(resetPeak=true): always on CUDA; on
  // CPU where Linux lets the process reset its peak RSS (/proc/self/clear_refs).
  bool peakSinceReset = false;
  int64_t allocated = 0;
  int64_t reserved = 0;
  int64_t peakAllocated = 0;
  int64_t peakReserved = 0;
};

DeviceInfo deviceInfo();
// Returns false when there is nothing to flush (CPU build / no CUDA device): an honest no-op.
bool emptyDeviceCache();
bool synchronizeDevice();
MemoryStats memoryStats(bool resetPeak);

// "cpu", "cuda", "cuda:1" → at::Device; "fp32" | "fp16" | "bf16" → dtype. Bad values are ERR_INVALID_ARG.
at::Device parseDevice(const std::string& name);
at::ScalarType parseDtype(const std::string& name);
std::string dtypeName(at::ScalarType type);

// Peak resident set size of this process in bytes (CPU peak-memory figure): VmHWM, which
// resetPeakRss() sets back to the current RSS.
int64_t peakRssBytes();
bool resetPeakRss();
int64_t currentRssBytes();

}  // namespace ppd
