#include "engine/core/error.h"
#include "engine/device/cuda_graph_mode.h"
#include "engine/device/cuda_graph_step.h"
#include "test_framework.h"

using ppd::CudaGraphMode;

TEST_CASE("cudaGraphs: the three modes parse and print back; anything else is ERR_INVALID_ARG") {
  for (const char* name : {"auto", "on", "off"}) EXPECT(std::string(ppd::cudaGraphModeName(ppd::parseCudaGraphMode(name))) == name);
  EXPECT_THROWS_CODE(ppd::parseCudaGraphMode("yes"), ppd::ErrorCode::InvalidArg, "\"auto\", \"on\" or \"off\"");
}

TEST_CASE("cudaGraphs: off never captures; on a CPU device auto and on run eager and say why") {
  const at::Device cpu(at::kCPU), cuda(at::kCUDA, 0);
  EXPECT(!ppd::decideCudaGraphs(CudaGraphMode::Off, cuda, true).capture);
  for (auto mode : {CudaGraphMode::Auto, CudaGraphMode::On}) {
    const auto d = ppd::decideCudaGraphs(mode, cpu, true);
    EXPECT(!d.capture);
    EXPECT_MSG(d.reason.find("need a CUDA device") != std::string::npos, d.reason);
    EXPECT(ppd::decideCudaGraphs(mode, cuda, true).capture);
    const auto noCuda = ppd::decideCudaGraphs(mode, cuda, false);
    EXPECT(!noCuda.capture && noCuda.reason.find("no CUDA support") != std::string::npos);
  }
}

#ifndef PPBENCH_WITH_CUDA
TEST_CASE("cudaGraphs: a build without CUDA declines to capture, with the reason, and never calls the step") {
  bool called = false;
  std::string why;
  auto step = ppd::CudaGraphStep::capture(
      [&](const std::vector<at::Tensor>& in) {
        called = true;
        return in;
      },
      {at::zeros({1})}, &why);
  EXPECT(step == nullptr);
  EXPECT(!called);
  EXPECT_MSG(why.find("no CUDA support") != std::string::npos, why);
}
#endif
