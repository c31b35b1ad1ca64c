#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "engine/core/error.h"
#include "engine/io/model_folder.h"
#include "engine/io/weight_loader.h"
#include "engine/models/clip_text_model.h"
#include "golden_util.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;

namespace {

ppd::ClipTextModel loadTextEncoder(const ppd::ModelFolder& folder, const std::string& component) {
  const auto choice = folder.chooseWeights(component, "");
  const ppd::WeightStore store = choice.open();
  ppd::WeightLoader loader(&store, at::TensorOptions().dtype(at::kFloat), component);
  const auto config = folder.config(component);
  const bool withProjection = folder.component(component).className == "CLIPTextModelWithProjection";
  ppd::ClipTextModel model(ppd::ClipTextConfig::fromJson(config.view()), ppd::ParamScope(loader), withProjection);
  loader.finish();
  return model;
}

const at::Tensor& penultimate(const ppd::ClipTextOutput& out) { return out.hiddenStates[out.hiddenStates.size() - 2]; }

// Max error per golden tensor name over all cases, printed at the end of each test.
struct ErrorTable {
  std::map<std::string, double> worst;
  void check(const std::string& where, const std::string& name, const at::Tensor& ours, const at::Tensor& golden,
             double tol) {
    const double err = maxAbsDiff(ours, golden);
    worst[name] = std::max(worst[name], err);
    EXPECT_MSG(err <= tol, where << ": " << name << " max |ours - golden| = " << err << " > " << tol);
  }
  void print() const {
    for (const auto& [name, err] : worst) std::cout << "       max error " << name << ": " << err << "\n";
  }
};

// README tolerance for text embeddings (fp32 reference, expected to be bit-identical or close).
constexpr double kTextTol = 1e-4;

}  // namespace

TEST_CASE("clip text: SD1/SD2 golden prompt_embeds from the cases' token ids") {
  ErrorTable table;
  for (const std::string model : {"sd15-tiny", "sd21-tiny", "sd-turbo-tiny"}) {
    const auto cases = goldenCases(model);
    const auto folder = ppd::ModelFolder::open(cases.front().modelDir);
    const auto encoder = loadTextEncoder(folder, "text_encoder");
    EXPECT(!encoder.withProjection());
    for (const auto& c : cases) {
      const std::string where = model + "/" + c.name;
      table.check(where, "prompt_embeds", encoder.forward(goldenTokens(c, "prompt.0")).lastHiddenState,
                  goldenTensor(c, "prompt_embeds"), kTextTol);
      if (c.tensors.count("negative_prompt_embeds")) {
        const at::Tensor ids = goldenTokens(c, "negative.0");
        EXPECT_MSG(ids.defined(), where << ": negative embeddings without negative tokens");
        table.check(where, "negative_prompt_embeds", encoder.forward(ids).lastHiddenState,
                    goldenTensor(c, "negative_prompt_embeds"), kTextTol);
      }
    }
  }
  table.print();
}

TEST_CASE("clip text: SDXL-family golden per-encoder states, prompt_embeds and pooled embeds") {
  ErrorTable table;
  for (const std::string model : {"sdxl-tiny", "sdxl-turbo-tiny", "ssd1b-tiny", "playground25-tiny"}) {
    const auto cases = goldenCases(model);
    const auto folder = ppd::ModelFolder::open(cases.front().modelDir);
    const auto encoder1 = loadTextEncoder(folder, "text_encoder");
    const auto encoder2 = loadTextEncoder(folder, "text_encoder_2");
    EXPECT(!encoder1.withProjection() && encoder2.withProjection());
    for (const auto& c : cases) {
      const std::string where = model + "/" + c.name;
      const auto out1 = encoder1.forward(goldenTokens(c, "prompt.0"));
      const auto out2 = encoder2.forward(goldenTokens(c, "prompt.1"));
      table.check(where, "text_encoder_0.hidden_states_m2", penultimate(out1),
                  goldenTensor(c, "text_encoder_0.hidden_states_m2"), kTextTol);
      table.check(where, "text_encoder_0.output0", out1.lastHiddenState, goldenTensor(c, "text_encoder_0.output0"),
                  kTextTol);
      table.check(where, "text_encoder_1.hidden_states_m2", penultimate(out2),
                  goldenTensor(c, "text_encoder_1.hidden_states_m2"), kTextTol);
      table.check(where, "text_encoder_1.output0", out2.textEmbeds, goldenTensor(c, "text_encoder_1.output0"),
                  kTextTol);
      table.check(where, "prompt_embeds", at::cat({penultimate(out1), penultimate(out2)}, -1),
                  goldenTensor(c, "prompt_embeds"), kTextTol);
      table.check(where, "pooled_prompt_embeds", out2.textEmbeds, goldenTensor(c, "pooled_prompt_embeds"), kTextTol);
      const at::Tensor neg1 = goldenTokens(c, "negative.0"), neg2 = goldenTokens(c, "negative.1");
      if (!neg1.defined()) continue;  // no negative prompt: force_zeros_for_empty_prompt zeros, no encoder run
      const auto negOut1 = encoder1.forward(neg1), negOut2 = encoder2.forward(neg2);
      table.check(where, "negative_prompt_embeds", at::cat({penultimate(negOut1), penultimate(negOut2)}, -1),
                  goldenTensor(c, "negative_prompt_embeds"), kTextTol);
      table.check(where, "negative_pooled_prompt_embeds", negOut2.textEmbeds,
                  goldenTensor(c, "negative_pooled_prompt_embeds"), kTextTol);
    }
  }
  table.print();
}

TEST_CASE("clip text: output layout (hidden states, pooling, batch)") {
  const auto folder = ppd::ModelFolder::open(fixturesDir() + "/sdxl-tiny");
  const auto encoder = loadTextEncoder(folder, "text_encoder_2");
  const auto& c = encoder.config();
  // Two different prompts in one batch: each row must equal its own batch-1 result.
  const auto cases = goldenCases("sdxl-tiny");
  const at::Tensor a = goldenTokens(cases[0], "prompt.1"), b = goldenTokens(cases[1], "prompt.1");
  const auto both = encoder.forward(at::cat({a, b}));
  EXPECT(static_cast<int64_t>(both.hiddenStates.size()) == c.numHiddenLayers + 1);
  EXPECT(both.lastHiddenState.sizes() == c10::IntArrayRef({2, 77, c.hiddenSize}));
  EXPECT(both.pooledOutput.sizes() == c10::IntArrayRef({2, c.hiddenSize}));
  EXPECT(both.textEmbeds.sizes() == c10::IntArrayRef({2, c.projectionDim}));
  const auto single = encoder.forward(b);
  EXPECT(maxAbsDiff(both.textEmbeds[1].unsqueeze(0), single.textEmbeds) < 1e-5);
  // Pooling takes the EOS position: first id 913 (the largest id, so argmax agrees).
  const int64_t eos = b.eq(913).to(at::kInt).argmax(-1).item<int64_t>();
  EXPECT(at::equal(single.pooledOutput, single.lastHiddenState.select(1, eos)));
  // The causal mask: the states before EOS do not depend on anything after them.
  at::Tensor changed = b.clone();
  changed.index_put_({0, eos + 1}, 300);
  const auto other = encoder.forward(changed);
  EXPECT(at::equal(other.lastHiddenState.slice(1, 0, eos + 1), single.lastHiddenState.slice(1, 0, eos + 1)));
  EXPECT(!at::equal(other.lastHiddenState, single.lastHiddenState));
}

TEST_CASE("clip text: a non-legacy eos_token_id pools at its first occurrence") {
  const auto folder = ppd::ModelFolder::open(fixturesDir() + "/sd15-tiny");
  const auto store = folder.chooseWeights("text_encoder", "").open();
  ppd::WeightLoader loader(&store, at::TensorOptions().dtype(at::kFloat), "text_encoder");
  auto config = ppd::ClipTextConfig::fromJson(folder.config("text_encoder").view());
  config.eosTokenId = 500;
  ppd::ClipTextModel encoder(config, ppd::ParamScope(loader), false);
  loader.finish();
  const at::Tensor ids = at::tensor(std::vector<int64_t>{912, 500, 700, 500, 913}, at::kLong).view({1, 5});
  const auto out = encoder.forward(ids);
  EXPECT(at::equal(out.pooledOutput, out.lastHiddenState.select(1, 1)));
}

TEST_CASE("clip text: bad token ids are ERR_INVALID_ARG") {
  const auto folder = ppd::ModelFolder::open(fixturesDir() + "/sd15-tiny");
  const auto encoder = loadTextEncoder(folder, "text_encoder");
  EXPECT_THROWS_CODE(encoder.forward(at::zeros({1, 78}, at::kLong)), ErrorCode::InvalidArg, "78 tokens");
  EXPECT_THROWS_CODE(encoder.forward(at::full({1, 77}, 914, at::kLong)), ErrorCode::InvalidArg, "[0, 914)");
  EXPECT_THROWS_CODE(encoder.forward(at::zeros({1, 77}, at::kInt)), ErrorCode::InvalidArg, "int64");
}

TEST_CASE("clip text: weights saved without the text_model. prefix (transformers 5) load and give the same embeddings") {
  const auto c = goldenCases("sdxl-tiny").front();
  const auto folder = ppd::ModelFolder::open(c.modelDir);
  for (const std::string component : {"text_encoder", "text_encoder_2"}) {
    const auto original = folder.chooseWeights(component, "").open();
    std::map<std::string, at::Tensor> renamed;
    for (const auto& [name, tensor] : ppd::loadAllTensors(original.files().front())) {
      const std::string prefix = "text_model.";
      renamed[name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name] = tensor;
    }
    const auto path = (fs::temp_directory_path() / ("clip-unprefixed-" + component + ".safetensors")).string();
    ppd::saveSafetensors(path, renamed);
    const ppd::WeightStore store = ppd::WeightStore::openFile(path);
    ppd::WeightLoader loader(&store, at::TensorOptions().dtype(at::kFloat), component);
    const bool withProjection = folder.component(component).className == "CLIPTextModelWithProjection";
    const ppd::ClipTextModel unprefixed(ppd::ClipTextConfig::fromJson(folder.config(component).view()),
                                        ppd::ParamScope(loader), withProjection);
    loader.finish();  // every key used: none missing, none unexpected
    const auto ids = goldenTokens(c, component == "text_encoder" ? "prompt.0" : "prompt.1");
    const auto reference = loadTextEncoder(folder, component).forward(ids);
    const auto out = unprefixed.forward(ids);
    EXPECT_MSG(maxAbsDiff(out.lastHiddenState, reference.lastHiddenState) == 0, component << ": last hidden state differs");
    if (withProjection) EXPECT_MSG(maxAbsDiff(out.textEmbeds, reference.textEmbeds) == 0, component << ": text embeds differ");
    fs::remove(path);
  }
}
