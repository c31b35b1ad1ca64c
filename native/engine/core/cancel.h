#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "engine/core/error.h"

namespace ppd {

// Set from the JS thread (AbortSignal), polled by the worker between units of GPU work.
class CancelToken {
 public:
  void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_relaxed); }
  void throwIfCancelled(const char* where) const {
    if (cancelled()) fail(ErrorCode::Cancelled, std::string("cancelled ") + where);
  }
  void throwIfCancelled(const std::string& where) const { throwIfCancelled(where.c_str()); }

 private:
  std::atomic<bool> cancelled_{false};
};

using CancelTokenPtr = std::shared_ptr<CancelToken>;

}  // namespace ppd
