#pragma once

namespace ppd {

// Hands the allocator's free heap pages back to the OS (glibc malloc_trim; a no-op elsewhere).
// A model load copies every convolution kernel several times on the CPU (channels_last, then
// oneDNN's layout) and frees the intermediates; glibc keeps such freed memory resident, so the
// process would carry it (counted in RSS) for its lifetime. Cheap once per model component, too
// slow to call per tensor.
void returnFreedHeapToOs();

}  // namespace ppd
