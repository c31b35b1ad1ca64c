#include "engine/profiling/profiler_session.h"

#include <ATen/record_function.h>
#include <torch/csrc/autograd/profiler_kineto.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "engine/core/error.h"
#include "engine/profiling/operator_flops.h"

namespace ppd {
namespace {

namespace prof = torch::autograd::profiler;
namespace impl = torch::profiler::impl;

std::atomic<bool> active{false};

ProfiledEvent convert(const prof::KinetoEvent& e, uint64_t traceStartNs) {
  ProfiledEvent out;
  out.name = e.name();
  out.threadId = e.startThreadId();
  out.startUs = static_cast<double>(e.startNs() - std::min(e.startNs(), traceStartNs)) / 1000.0;
  out.durationUs = static_cast<double>(e.durationNs()) / 1000.0;
  out.flops = e.flops();
  if (out.name == "[memory]") {
    out.kind = ProfiledEvent::Kind::Memory;
    out.bytes = e.nBytes();
  } else if (e.deviceType() != c10::DeviceType::CPU) {
    out.kind = ProfiledEvent::Kind::Kernel;
  } else if (e.scope() == static_cast<uint8_t>(at::RecordScope::USER_SCOPE)) {
    out.kind = ProfiledEvent::Kind::Scope;
  }
  if (e.hasShapes()) {
    for (const auto& shape : e.shapes()) out.shapes.push_back(shape);
  }
  if (out.flops == 0 && out.kind == ProfiledEvent::Kind::Operator)
    out.flops = untrackedOperatorFlops(out.name, out.shapes, e.concreteInputs());
  return out;
}

}  // namespace

ProfilerSession::ProfilerSession(bool cuda) {
  if (active.exchange(true)) fail(ErrorCode::InvalidArg, "a profiler session is already running in this process");
  const impl::ProfilerConfig config(impl::ProfilerState::KINETO, /*report_input_shapes=*/true,
                                    /*profile_memory=*/true, /*with_stack=*/false, /*with_flops=*/true);
  std::set<impl::ActivityType> activities = {impl::ActivityType::CPU};
  if (cuda) activities.insert(impl::ActivityType::CUDA);
  try {
    prof::prepareProfiler(config, activities);
    prof::enableProfiler(config, activities);
  } catch (const std::exception& e) {
    active = false;
    fail(ErrorCode::Internal, std::string("could not start the libtorch profiler: ") + e.what());
  }
  running_ = true;
}

ProfilerSession::~ProfilerSession() {
  if (running_) {
    try {
      prof::disableProfiler();
    } catch (...) {  // a destructor during unwinding: the run's own error is the one to report
    }
  }
  active = false;
}

ProfileRecording ProfilerSession::finish(const std::string& tracePath) {
  if (!running_) fail(ErrorCode::InvalidArg, "this profiler session has already finished");
  running_ = false;
  auto result = prof::disableProfiler();
  ProfileRecording out;
  out.events.reserve(result->events().size());
  for (const auto& e : result->events()) out.events.push_back(convert(e, result->trace_start_ns()));
  if (!tracePath.empty()) {
    result->save(tracePath);
    out.tracePath = tracePath;
  }
  return out;
}

}  // namespace ppd
