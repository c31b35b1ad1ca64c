// Hostile model inputs (issue #19): each case ends in a coded error naming the file, never a crash,
// a hang or a runaway allocation.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "engine/io/model_folder.h"
#include "engine/io/restricted_unpickler.h"
#include "engine/io/safetensors.h"
#include "engine/io/torch_pickle.h"
#include "engine/io/weight_loader.h"
#include "engine/io/weight_store.h"
#include "engine/models/autoencoder_kl_config.h"
#include "engine/models/clip_text_config.h"
#include "engine/models/clip_text_model.h"
#include "engine/models/unet/unet_config.h"
#include "hostile_files.h"
#include "test_framework.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;
using namespace ppd::test::hostile;

namespace {

ppd::pickle::ValuePtr unpickle(const std::string& pickle) {
  return ppd::pickle::unpickleRestricted(pickle, "deep.pth", [](const std::string&, at::ScalarType, int64_t) {
    return at::zeros({4});
  });
}

constexpr int kDeep = 200000;  // the issue's crash: freeing 200k nested values overflowed the stack

std::string smallSafetensors() {
  return safetensorsBytes(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::string(8, '\0'));
}

ppd::Json parse(const std::string& text) { return ppd::Json::parse(text); }

}  // namespace

// ---- Finding 1: nesting depth -------------------------------------------------------------------

TEST_CASE("unpickler: 200k nested lists are refused with a coded error naming the file, no crash") {
  std::string pickle = kProto2 + std::string(kDeep, ']') + std::string(kDeep - 1, 'a') + ".";
  EXPECT_THROWS_CODE(unpickle(pickle), ErrorCode::ModelLoad, "deep.pth");
  EXPECT_THROWS_CODE(unpickle(pickle), ErrorCode::ModelLoad, "nested deeper than 1000");
}

TEST_CASE("unpickler: 200k nested tuples and dicts and marks are refused") {
  EXPECT_THROWS_CODE(unpickle(kProto2 + "N" + std::string(kDeep, '\x85') + "."), ErrorCode::ModelLoad, "nested deeper");
  std::string dicts = kProto2 + "}";
  for (int i = 0; i < kDeep; ++i) dicts += opU8('K', 0) + "}";
  dicts += std::string(kDeep, 's') + ".";
  EXPECT_THROWS_CODE(unpickle(dicts), ErrorCode::ModelLoad, "nested deeper");
  EXPECT_THROWS_CODE(unpickle(kProto2 + std::string(kDeep, '(') + "."), ErrorCode::ModelLoad, "nested deeper");
}

TEST_CASE("unpickler: nesting built through the memo after the fact is measured on the final value") {
  // Lists X0..X1999 are memoized flat, then X(i).append(X(i+1)) in increasing i: each append sees a
  // shallow child, but the result nests 2000 deep.
  const int n = 2000;
  std::string pickle = kProto2;
  for (int i = 0; i < n; ++i) pickle += "]" + opU32('r', uint32_t(i));
  for (int i = 0; i + 1 < n; ++i) pickle += opU32('j', uint32_t(i)) + opU32('j', uint32_t(i + 1)) + "a";
  pickle += opU32('j', 0) + ".";
  EXPECT_THROWS_CODE(unpickle(pickle), ErrorCode::ModelLoad, "nested deeper");
}

TEST_CASE("unpickler: a list that contains itself is refused (and freed)") {
  EXPECT_THROWS_CODE(unpickle(kProto2 + "]" + opU32('r', 0) + opU32('j', 0) + "a."), ErrorCode::ModelLoad,
                     "contains itself");
}

TEST_CASE("unpickler: nesting up to the limit still loads, and deep values free without recursion") {
  const int depth = int(ppd::pickle::kMaxPickleDepth);
  auto root = unpickle(kProto2 + std::string(depth, ']') + std::string(depth - 1, 'a') + ".");
  EXPECT(root->kind == ppd::pickle::Kind::List);
  // A chain far deeper than any stack frame budget, built by hand, is freed by ~Value iteratively.
  auto chain = std::make_shared<ppd::pickle::Value>();
  for (int i = 0; i < 1'000'000; ++i) {
    auto parent = std::make_shared<ppd::pickle::Value>();
    parent->kind = ppd::pickle::Kind::List;
    parent->items.push_back(std::move(chain));
    chain = std::move(parent);
  }
  chain.reset();
  EXPECT(!chain);
}

TEST_CASE("torch .pth: a 200k-deep data.pkl gives ERR_MODEL_LOAD naming the archive") {
  const auto dir = freshDir("deep-pth");
  const auto path = dir / "deep.pth";
  writeBytes(path, pthOf(kProto2 + std::string(kDeep, ']') + std::string(kDeep - 1, 'a') + "."));
  EXPECT_THROWS_CODE(ppd::loadTorchStateDict(path.string()), ErrorCode::ModelLoad, path.string());
}

TEST_CASE("torch .pth: a storage size whose byte count overflows is refused before allocating") {
  const std::string storage = "(" + shortString("storage") + globalOp("torch", "FloatStorage") + shortString("0") +
                              shortString("cpu") + "\x8a\x08" + std::string("\x00\x00\x00\x00\x00\x00\x00\x40", 8) + "tQ";
  const auto dir = freshDir("overflow-pth");
  writeBytes(dir / "big.pth", pthOf(kProto2 + storage + "."));
  EXPECT_THROWS_CODE(ppd::loadTorchStateDict((dir / "big.pth").string()), ErrorCode::ModelLoad, "fewer than");
}

// ---- Finding 4: what a load may open ------------------------------------------------------------

TEST_CASE("files: a FIFO as weights or config fails at once with ERR_MODEL_LOAD, no hang") {
  const auto dir = freshDir("fifo");
  EXPECT(::mkfifo((dir / "model.safetensors").c_str(), 0600) == 0);
  EXPECT(::mkfifo((dir / "config.json").c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROWS_CODE(ppd::WeightStore::openComponent(dir.string(), {"model"}, ""), ErrorCode::ModelLoad, "FIFO");
  EXPECT_THROWS_CODE(ppd::SafetensorsFile((dir / "model.safetensors").string()), ErrorCode::ModelLoad, "FIFO");
  EXPECT_THROWS_CODE(ppd::readJsonFile((dir / "config.json").string()), ErrorCode::ModelLoad, "not a regular file");
  EXPECT_THROWS_CODE(ppd::loadTorchStateDict((dir / "model.safetensors").string()), ErrorCode::ModelLoad, "FIFO");
  EXPECT(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("files: a device as weights is refused") {
  EXPECT_THROWS_CODE(ppd::SafetensorsFile("/dev/zero"), ErrorCode::ModelLoad, "device");
}

TEST_CASE("files: a symlink loop is ERR_MODEL_LOAD naming the path, not ERR_INTERNAL") {
  const auto dir = freshDir("loop");
  fs::create_symlink("model.safetensors", dir / "model.safetensors");
  EXPECT_THROWS_CODE(ppd::WeightStore::openComponent(dir.string(), {"model"}, ""), ErrorCode::ModelLoad,
                     "symlink loop");
  EXPECT_THROWS_CODE(ppd::WeightStore::componentExists(dir.string(), {"model"}, ""), ErrorCode::ModelLoad,
                     (dir / "model.safetensors").string());
  const auto root = freshDir("loop-folder");
  writeBytes(root / "model_index.json", R"({"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"]})");
  fs::create_symlink("unet", root / "unet");
  const auto folder = ppd::ModelFolder::open(root.string());
  EXPECT_THROWS_CODE(folder.config("unet"), ErrorCode::ModelLoad, "symlink loop");
}

TEST_CASE("files: sharded index entries outside the model folder are refused") {
  const auto root = freshDir("escape");
  const auto dir = root / "unet";
  fs::create_directories(dir);
  writeBytes(root / "outside.safetensors", smallSafetensors());
  const auto index = [&](const std::string& shard) {
    writeBytes(dir / "model.safetensors.index.json", R"({"weight_map": {"w": ")" + shard + R"("}})");
  };
  index("../../escape/outside.safetensors");
  EXPECT_THROWS_CODE(ppd::WeightStore::openComponent(dir.string(), {"model"}, ""), ErrorCode::ModelLoad, "\"..\"");
  index((root / "outside.safetensors").string());
  EXPECT_THROWS_CODE(ppd::WeightStore::openComponent(dir.string(), {"model"}, ""), ErrorCode::ModelLoad, "absolute");
  // A link inside the folder that resolves outside it.
  const auto far = freshDir("escape-target");
  writeBytes(far / "secret.safetensors", smallSafetensors());
  fs::create_symlink(far / "secret.safetensors", dir / "shard.safetensors");
  index("shard.safetensors");
  EXPECT_THROWS_CODE(ppd::WeightStore::openComponent(dir.string(), {"model"}, ""), ErrorCode::ModelLoad,
                     "outside the model folder");
  // A shard in a sibling component of the same model is inside the model folder.
  writeBytes(root / "shared.safetensors", smallSafetensors());
  fs::remove(dir / "shard.safetensors");
  fs::create_symlink("../shared.safetensors", dir / "shard.safetensors");
  EXPECT(ppd::WeightStore::openComponent(dir.string(), {"model"}, "").contains("w"));
}

TEST_CASE("files: a Hugging Face cache snapshot (files linked into blobs/) still loads") {
  const auto repo = freshDir("hub-cache");
  const auto comp = repo / "snapshots" / "abc123" / "unet";
  fs::create_directories(comp);
  fs::create_directories(repo / "blobs");
  writeBytes(repo / "blobs" / "deadbeef", smallSafetensors());
  fs::create_symlink("../../../blobs/deadbeef", comp / "model.safetensors");
  EXPECT(ppd::WeightStore::openComponent(comp.string(), {"model"}, "").contains("w"));
}

TEST_CASE("files: a component name reaching outside the model folder is refused") {
  const auto root = freshDir("component-escape");
  writeBytes(root / "model_index.json", R"({"_class_name": "X", "../../etc": ["diffusers", "UNet2DConditionModel"]})");
  const auto folder = ppd::ModelFolder::open(root.string());
  EXPECT_THROWS_CODE(folder.componentDir("../../etc"), ErrorCode::ModelLoad, "outside its folder");
}

// ---- Finding 5 / 8: config integers and parameter counts ------------------------------------

TEST_CASE("configs: 1e30 layers is an error naming file, key and the value as written") {
  const ppd::Json json = parse(R"({"vocab_size": 100, "hidden_size": 64, "intermediate_size": 128,
                                   "num_hidden_layers": 1e30, "num_attention_heads": 4})");
  EXPECT_THROWS_CODE(ppd::ClipTextConfig::fromJson(ppd::JsonView(json, "te/config.json")), ErrorCode::ModelLoad,
                     "te/config.json: key \"num_hidden_layers\" must be an integer in [1, 128], got 1e+30");
  try {
    ppd::ClipTextConfig::fromJson(ppd::JsonView(json, "te/config.json"));
  } catch (const ppd::EngineError& e) {
    EXPECT(std::string(e.what()).find("-9223372036854775808") == std::string::npos);
  }
}

TEST_CASE("configs: huge integer layers, heads, channels and vocab are refused before any allocation") {
  const std::string base = R"("vocab_size": 100, "hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4)";
  EXPECT_THROWS_CODE(ppd::ClipTextConfig::fromJson(ppd::JsonView(parse("{" + base + R"(, "num_hidden_layers": 100000000})"), "te.json")),
                     ErrorCode::ModelLoad, "num_hidden_layers");
  EXPECT_THROWS_CODE(ppd::ClipTextConfig::fromJson(ppd::JsonView(parse(R"({"vocab_size": 1e12, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4})"), "te.json")),
                     ErrorCode::ModelLoad, "vocab_size");
  EXPECT_THROWS_CODE(ppd::AutoencoderKLConfig::fromJson(ppd::JsonView(parse(R"({"layers_per_block": 1e9})"), "vae.json")),
                     ErrorCode::ModelLoad, "\"layers_per_block\" must be an integer in [1, 128], got 1000000000.0");
  EXPECT_THROWS_CODE(ppd::AutoencoderKLConfig::fromJson(ppd::JsonView(parse(R"({"block_out_channels": [64, 9000000000]})"), "vae.json")),
                     ErrorCode::ModelLoad, "block_out_channels");
  EXPECT_THROWS_CODE(ppd::UNetConfig::fromJson(ppd::JsonView(parse(R"({"layers_per_block": 1000000000})"), "unet.json")),
                     ErrorCode::ModelLoad, "unet.json: key \"layers_per_block\"");
  EXPECT_THROWS_CODE(ppd::UNetConfig::fromJson(ppd::JsonView(parse(R"({"transformer_layers_per_block": [1, [2, 99999999], 1, 1]})"), "unet.json")),
                     ErrorCode::ModelLoad, "transformer_layers_per_block");
  EXPECT_THROWS_CODE(ppd::UNetConfig::fromJson(ppd::JsonView(parse(R"({"layers_per_block": 128, "transformer_layers_per_block": 64})"), "unet.json")),
                     ErrorCode::ModelLoad, "transformer blocks, more than 2048");
  EXPECT_THROWS_CODE(ppd::UNetConfig::fromJson(ppd::JsonView(parse(R"({"attention_head_dim": -3})"), "unet.json")),
                     ErrorCode::ModelLoad, "attention_head_dim");
}

TEST_CASE("params: a config declaring more parameters than the weight files hold fails before allocating") {
  const ppd::Json json = parse(R"({"vocab_size": 1000, "hidden_size": 1024, "intermediate_size": 4096,
                                   "num_hidden_layers": 128, "num_attention_heads": 16})");
  const auto config = ppd::ClipTextConfig::fromJson(ppd::JsonView(json, "te.json"));
  const auto store = ppd::WeightStore::fromTensors("te/model.safetensors", {{"w", at::zeros({16})}});
  const double rssBefore = peakRssMiB();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROWS_CODE(ppd::checkParameterBudget(store, at::TensorOptions(), "text_encoder",
                                               [&](const ppd::ParamScope& s) { return ppd::ClipTextModel(config, s, false); }),
                     ErrorCode::ModelLoad, "the weight files hold only 16");
  // 128 layers of 1024 wide would be ~1.6 GB in fp32: nothing of it was allocated.
  EXPECT(peakRssMiB() - rssBefore < 200);
  EXPECT(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("json: a 5000-deep config and a deep safetensors header are coded errors") {
  const auto dir = freshDir("deep-json");
  writeBytes(dir / "config.json", std::string(5000, '[') + std::string(5000, ']'));
  EXPECT_THROWS_CODE(ppd::readJsonFile((dir / "config.json").string()), ErrorCode::ModelLoad, "nested deeper than 64");
  const std::string deepHeader = R"({"__metadata__": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  writeBytes(dir / "deep.safetensors", safetensorsBytes(deepHeader, ""));
  EXPECT_THROWS_CODE(ppd::SafetensorsFile((dir / "deep.safetensors").string()), ErrorCode::ModelLoad,
                     "nested deeper than 64");
}

// ---- Finding 8: zero-size tensors ---------------------------------------------------------------

TEST_CASE("safetensors: a zero-size tensor is accepted, not taken for an overlap") {
  const auto dir = freshDir("zero-size");
  writeBytes(dir / "z.safetensors",
             safetensorsBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("empty":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},)"
                              R"("z":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}})",
                              std::string(8, '\0')));
  const ppd::SafetensorsFile file((dir / "z.safetensors").string());
  EXPECT(file.view("empty").numel() == 0);
  EXPECT(file.view("a").numel() == 2);
}
