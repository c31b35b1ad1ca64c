#include <ATen/core/CachingHostAllocator.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>

#include "engine/device/cuda_backend.h"

namespace ppd::cuda {

bool available() { return c10::cuda::device_count() > 0; }
int deviceCount() { return static_cast<int>(c10::cuda::device_count()); }

void fillInfo(DeviceInfo& info) {
  info.deviceCount = deviceCount();
  if (info.deviceCount == 0) return;
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
    info.deviceName = prop.name;
    info.capabilityMajor = prop.major;
    info.capabilityMinor = prop.minor;
    info.totalMemory = static_cast<int64_t>(prop.totalGlobalMem);
  }
}

void emptyCache() { c10::cuda::CUDACachingAllocator::emptyCache(); }

void emptyHostCache() { at::getHostAllocator(at::kCUDA)->empty_cache(); }

void synchronize() { c10::cuda::device_synchronize(); }

MemoryStats memoryStats(bool resetPeak) {
  const auto device = c10::cuda::current_device();
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
  using c10::CachingAllocator::StatType;
  const auto& all = static_cast<size_t>(StatType::AGGREGATE);
  MemoryStats out;
  out.cuda = true;
  out.allocated = stats.allocated_bytes[all].current;
  out.reserved = stats.reserved_bytes[all].current;
  out.peakAllocated = stats.allocated_bytes[all].peak;
  out.peakReserved = stats.reserved_bytes[all].peak;
  if (resetPeak) c10::cuda::CUDACachingAllocator::resetPeakStats(device);
  return out;
}

}  // namespace ppd::cuda
