#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ppd {

// One event of a profiled run, times in microseconds from the start of the trace.
struct ProfiledEvent {
  enum class Kind { Operator, Scope, Memory, Kernel };
  Kind kind = Kind::Operator;
  std::string name;
  uint64_t threadId = 0;
  double startUs = 0, durationUs = 0;
  std::vector<std::vector<int64_t>> shapes;  // operators' input shapes (empty for non-tensor inputs)
  uint64_t flops = 0;                        // libtorch's estimate (convolutions, matmuls), 0 when unknown
  int64_t bytes = 0;                         // Memory: allocated (+) or freed (-) bytes
};

struct ProfileRecording {
  std::vector<ProfiledEvent> events;
  std::string tracePath;  // the Chrome trace written, or empty
};

// The libtorch (Kineto) profiler on the calling thread: CPU operators with input shapes, FLOP
// estimates and allocations, the engine's named scopes (trace_scope.h), and CUDA kernels when
// `cuda`. Only one session can run per process; the engine's work must run on the thread that
// created it (libtorch's profiler state is thread-local).
class ProfilerSession {
 public:
  explicit ProfilerSession(bool cuda);
  ~ProfilerSession();
  ProfilerSession(const ProfilerSession&) = delete;
  ProfilerSession& operator=(const ProfilerSession&) = delete;

  // Stops profiling; writes the Chrome trace (Perfetto / chrome://tracing) when `tracePath` is not empty.
  ProfileRecording finish(const std::string& tracePath);

 private:
  bool running_ = false;
};

}  // namespace ppd
