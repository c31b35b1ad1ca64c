#pragma once
#include <ATen/ATen.h>
#include <c10/core/Event.h>

#include <chrono>
#include <cstddef>
#include <vector>

namespace ppd {

// Points in the device's work queue, for stage and step timings that do not stall it. On CUDA a
// mark is an event recorded on the current stream: recording costs the host nothing, and the time
// between two marks is device time, read once the later one has completed. On the CPU work is
// synchronous, so a mark is the clock. Replaces a synchronize() per stage inside the denoising loop.
class DeviceClock {
 public:
  using Mark = size_t;

  explicit DeviceClock(at::Device device);

  // True where marks run ahead of the host (CUDA): waitFor() can then block.
  bool asynchronous() const { return device_.is_cuda(); }

  Mark mark();
  // Blocks the host until the device has passed `m` (no-op on the CPU).
  void waitFor(Mark m);
  // Milliseconds between two marks; waits for `to`.
  double ms(Mark from, Mark to);

 private:
  at::Device device_;
  std::vector<c10::Event> events_;                          // CUDA
  std::vector<std::chrono::steady_clock::time_point> times_;  // CPU
};

}  // namespace ppd
