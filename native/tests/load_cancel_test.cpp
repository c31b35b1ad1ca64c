// A model load is cancellable: the token is polled before loading, between components and
// before each weight, and a cancelled load ends with ERR_CANCELLED (a later load still works).
#include <thread>

#include "engine/core/cancel.h"
#include "engine/core/error.h"
#include "engine/io/weight_loader.h"
#include "engine/pipeline/diffusion_pipeline.h"
#include "engine/pipeline/pipeline_components.h"
#include "golden_util.h"

using ppd::ErrorCode;

namespace {

std::string tinyModel() { return fixturesDir() + "/sd15-tiny"; }

}  // namespace

TEST_CASE("load cancel: a token cancelled before the load ends it with ERR_CANCELLED naming the folder") {
  ppd::CancelToken token;
  token.cancel();
  EXPECT_THROWS_CODE(ppd::PipelineComponents::load(tinyModel(), at::Device(at::kCPU), at::kFloat, "auto", &token),
                     ErrorCode::Cancelled, "before loading " + tinyModel());
}

TEST_CASE("load cancel: a weight loader stops at the next weight once the token is cancelled") {
  const auto store = ppd::WeightStore::openFile(tinyModel() + "/text_encoder/model.safetensors");
  ppd::CancelToken token;
  ppd::WeightLoader loader(&store, at::TensorOptions().dtype(at::kFloat), "text_encoder");
  loader.setCancel(&token);
  const std::string ln = "text_model.final_layer_norm.weight";
  EXPECT(loader.take(ln, {32}).defined());
  token.cancel();
  EXPECT_THROWS_CODE(loader.take("text_model.final_layer_norm.bias", {32}), ErrorCode::Cancelled,
                     "while loading text_encoder (before \"text_model.final_layer_norm.bias\")");
}

TEST_CASE("load cancel: a pipeline load cancelled from another thread ends, and a later load works") {
  // The cancel races the load: either the load finished first (then it is complete) or it ends with
  // ERR_CANCELLED; both are fine, a hang or another error is not. The pre-cancelled token makes the
  // ERR_CANCELLED path certain at least once.
  for (int round = 0; round < 3; ++round) {
    ppd::PipelineOptions options{tinyModel(), at::Device(at::kCPU), at::kFloat, "auto", std::make_shared<ppd::CancelToken>()};
    if (round == 0) options.cancel->cancel();
    std::thread canceller([token = options.cancel] { token->cancel(); });
    try {
      const auto pipeline = ppd::DiffusionPipeline::load(options);
      EXPECT(round > 0);
      EXPECT(pipeline->info().contains("family"));
    } catch (const ppd::EngineError& e) {
      EXPECT_MSG(e.code() == ErrorCode::Cancelled, "expected ERR_CANCELLED, got: " << e.what());
    }
    canceller.join();
  }
  const auto pipeline = ppd::DiffusionPipeline::load({tinyModel(), at::Device(at::kCPU), at::kFloat, "auto", nullptr});
  EXPECT(pipeline->info()["family"] == "sd1");
}
