#pragma once
#include <ATen/ATen.h>

#include <optional>

namespace ppd {

// Host ↔ device copies that keep the device's queue full.
//
// toDevice: a CPU tensor onto `device`, converted to `dtype` there. On CUDA the bytes go through
// page-locked (pinned) staging memory and an asynchronous copy: the host memcpy into the staging
// block is the only host work, the caching host allocator reuses the block only once its copy has
// completed, and a dtype conversion runs as a device kernel after the copy, so there is neither a
// host-side converted copy nor a per-tensor synchronize. On the CPU it is `host.to(dtype)`.
at::Tensor toDevice(const at::Tensor& host, at::Device device, std::optional<at::ScalarType> dtype = std::nullopt);

// A device tensor onto the host through pinned memory; waits for that copy only. CPU tensors are
// returned as they are.
at::Tensor toHost(const at::Tensor& tensor);

// After a load through toDevice: waits for the queued copies and returns the cached pinned staging
// blocks to the system. No-op off CUDA.
void finishUploads(at::Device device);

}  // namespace ppd
