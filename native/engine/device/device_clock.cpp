#include "engine/device/device_clock.h"

#include <c10/core/impl/VirtualGuardImpl.h>

namespace ppd {

DeviceClock::DeviceClock(at::Device device) : device_(device) {}

DeviceClock::Mark DeviceClock::mark() {
  if (!asynchronous()) {
    times_.push_back(std::chrono::steady_clock::now());
    return times_.size() - 1;
  }
  // BACKEND_DEFAULT: a CUDA event with timing enabled (PYTORCH_DEFAULT disables it).
  events_.emplace_back(device_.type(), c10::EventFlag::BACKEND_DEFAULT);
  const c10::impl::VirtualGuardImpl guard(device_.type());
  events_.back().record(guard.getStream(device_));
  return events_.size() - 1;
}

void DeviceClock::waitFor(Mark m) {
  if (asynchronous()) events_.at(m).synchronize();
}

double DeviceClock::ms(Mark from, Mark to) {
  if (!asynchronous()) return std::chrono::duration<double, std::milli>(times_.at(to) - times_.at(from)).count();
  events_.at(to).synchronize();
  return events_.at(from).elapsedTime(events_.at(to));
}

}  // namespace ppd
