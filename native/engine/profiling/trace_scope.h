#pragma once
// Named scopes for profilers: every engine module opens one in its forward, named like its
// weights ("unet.down_blocks.1.attentions.0", "vae.decoder.mid_block").
// Without an active profiler a scope costs one thread-local check (RecordFunction keeps no
// state when no callback is registered) plus, in CUDA builds, an NVTX push/pop that is a no-op
// until a tool such as Nsight attaches.
#include <ATen/record_function.h>

#include <string>

#include "engine/device/nvtx_range.h"
#include "engine/io/weight_loader.h"

namespace ppd {

// The scope name of the module built from `s`: its component (the loader's trace root) and key prefix.
inline std::string traceName(const ParamScope& s) {
  const std::string& root = s.loader().traceRoot();
  if (root.empty()) return s.prefix();
  return s.prefix().empty() ? root : root + "." + s.prefix();
}

inline std::string traceName(const ParamScope& s, const std::string& child) { return traceName(s.sub(child)); }

}  // namespace ppd

// Opens the scope `name` (a std::string that outlives the block) until the end of the block; one
// scope per block (the guard variables have fixed names).
#ifdef PPBENCH_NO_TRACE_SCOPES
#define PPD_TRACE_SCOPE(name) (void)(name)  // built out (CMake -DPPBENCH_TRACE_SCOPES=OFF)
#else
#define PPD_TRACE_SCOPE(name)  \
  RECORD_USER_SCOPE(name);     \
  ::ppd::NvtxRange ppdNvtxRange_(name)
#endif
