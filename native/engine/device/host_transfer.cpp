#include "engine/device/host_transfer.h"

#include "engine/device/device.h"
#ifdef PPBENCH_WITH_CUDA
#include "engine/device/cuda_backend.h"
#endif

namespace ppd {

at::Tensor toDevice(const at::Tensor& host, at::Device device, std::optional<at::ScalarType> dtype) {
  const at::ScalarType target = dtype.value_or(host.scalar_type());
  if (!device.is_cuda() || !host.is_cpu()) return host.to(device, target);
  at::Tensor staged = host.is_pinned() ? host : at::empty_like(host, host.options().pinned_memory(true));
  if (!staged.is_same(host)) staged.copy_(host);
  at::Tensor onDevice = staged.to(device, staged.scalar_type(), /*non_blocking=*/true);
  return onDevice.scalar_type() == target ? onDevice : onDevice.to(target);
}

at::Tensor toHost(const at::Tensor& tensor) {
  if (tensor.is_cpu()) return tensor;
  at::Tensor pinned = at::empty(tensor.sizes(), tensor.options().device(at::kCPU).pinned_memory(true));
  pinned.copy_(tensor, /*non_blocking=*/true);
  synchronizeDevice();
  return pinned;
}

void finishUploads(at::Device device) {
  if (!device.is_cuda()) return;
  synchronizeDevice();
#ifdef PPBENCH_WITH_CUDA
  cuda::emptyHostCache();
#endif
}

}  // namespace ppd
