#pragma once
// Implemented in cuda_backend_cuda.cpp, compiled only when libtorch has CUDA.
#include "engine/device/device.h"

namespace ppd::cuda {
bool available();
int deviceCount();
void fillInfo(DeviceInfo& info);
void emptyCache();
// Returns the pinned host blocks cached by the caching host allocator (staging of uploads).
void emptyHostCache();
void synchronize();
MemoryStats memoryStats(bool resetPeak);
}  // namespace ppd::cuda
