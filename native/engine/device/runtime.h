#pragma once

namespace ppd {

// Process-wide libtorch/allocator settings, applied once before the first model is built:
// - NNPACK off: on CPUs it does not support it prints a warning on every convolution, and oneDNN
//   is used anyway;
// - glibc malloc keeps large buffers on the heap (no mmap/munmap per call): oneDNN repacks conv
//   weights into fresh 10–60 MB buffers on every call, and faulting those pages in from the OS
//   doubled the CPU time of a full-size UNet. PPBENCH_MALLOC_TUNING=0 keeps glibc's defaults.
void configureRuntime();

}  // namespace ppd
