#pragma once
// Implemented in cuda_backend_cuda.cpp, compiled only when libtorch has CUDA.
#include "engine/device/device.h"

namespace ppd::cuda {
bool available();
int deviceCount();
void fillInfo(DeviceInfo& info);
void emptyCache();
void synchronize();
MemoryStats memoryStats(bool resetPeak);
}  // namespace ppd::cuda
