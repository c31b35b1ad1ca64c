#include "engine/core/freed_heap.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ppd {

void returnFreedHeapToOs() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

}  // namespace ppd
