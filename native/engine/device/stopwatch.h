#pragma once
#include <chrono>

#include "engine/device/device.h"

namespace ppd {

// Wall time of device work: synchronizes the device (a no-op on CPU) before reading the clock, so
// asynchronous CUDA kernels are counted in the stage that launched them. elapsedMs(false) reads the
// host's clock only (progress reports). Inside the denoising loop use DeviceClock instead.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double elapsedMs(bool synchronize = true) const {
    if (synchronize) synchronizeDevice();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  }
  double lapMs() {
    const double ms = elapsedMs();
    start_ = std::chrono::steady_clock::now();
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ppd
