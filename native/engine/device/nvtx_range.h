#pragma once
// An NVTX range (Nsight Systems' timeline) for the lifetime of the object. Compiled to nothing
// in CPU builds and where the CUDA toolkit's header-only NVTX 3 is not on the include path.
#include <string>

#if defined(PPBENCH_WITH_CUDA) && __has_include(<nvtx3/nvToolsExt.h>)
#include <nvtx3/nvToolsExt.h>
#define PPBENCH_HAVE_NVTX 1
#endif

namespace ppd {

class NvtxRange {
 public:
#ifdef PPBENCH_HAVE_NVTX
  explicit NvtxRange(const std::string& name) { nvtxRangePushA(name.c_str()); }
  ~NvtxRange() { nvtxRangePop(); }
#else
  explicit NvtxRange(const std::string&) {}
#endif
  NvtxRange(const NvtxRange&) = delete;
  NvtxRange& operator=(const NvtxRange&) = delete;
};

}  // namespace ppd
